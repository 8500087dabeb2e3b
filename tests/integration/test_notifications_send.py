"""POST /api/notifications: validation, who may send, deduplication (also under 50 concurrent requests), batching
to the harvester queue, the sender results, and a failure after the record exists being reported."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from local import function_env
from local.runtime import LocalRuntime
from shared.catalog.notifications import HARVESTER_QUEUE, NOTIFICATIONS_API
from shared.errors import DependencyFailed
from shared.notifications import logic, registrations, sending, store
from shared.notifications.models import NotificationRequest
from shared.queue_batches import BatchOutcome, send_in_batches
from shared.settings import reset_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.notifications import notification_body, queue_messages
from tests.support.twin import expect_denied


def _devices() -> None:
    registrations.register(
        [("breaking/uk", f"tok-{n}", ("ios", "android", "ios-edition", "android-edition")[n % 4]) for n in range(20)]
        + [("breaking/us", f"tok-{n}", "android") for n in range(15, 25)]
    )


def test_a_new_notification_is_recorded_queued_in_shards_and_reported(api: ApiClient) -> None:
    _devices()
    body = notification_body(topics=["breaking/uk", "breaking/us"])
    reply = api.post("/api/notifications", body)
    assert reply.status == 200, reply.body
    assert reply.json["duplicate"] is False
    assert reply.json["queuedSendRequests"] == 16
    assert reply.json["totalRegistrationCount"] == 25  # tokens 15-19 follow both topics: counted once
    by_platform = {s["platform"]: s["recipientsCount"] for s in reply.json["platformStatistics"]}
    assert by_platform == {"ios": 5, "android": 10, "ios-edition": 5, "android-edition": 5}
    messages = queue_messages(HARVESTER_QUEUE)
    assert sorted(m["shard"] for m in messages) == list(range(16))
    assert {m["notificationId"] for m in messages} == {body["id"]}
    record = store.get(body["id"])
    assert record is not None
    assert record.notification["dryRun"] is False
    assert len(record.reports) == 4
    assert {r.platformStatistics.platform for r in record.reports if r.platformStatistics} == {
        "ios",
        "android",
        "ios-edition",
        "android-edition",
    }
    assert all(r.totalRegistrationCount == 25 for r in record.reports)
    assert (record.unqueuedShards, record.queueingSince) == (None, None), "every shard queued, the lease released"
    assert record.sentTime.endswith("Z")
    assert len(record.sentTime) == 24


def test_a_duplicate_id_answers_duplicate_and_sends_nothing(api: ApiClient) -> None:
    body = notification_body()
    assert api.post("/api/notifications", body).json["duplicate"] is False
    again = api.post("/api/notifications", {**body, "title": "Another title"})
    assert again.status == 200
    assert again.json["duplicate"] is True
    assert len(queue_messages(HARVESTER_QUEUE)) == 16
    record = store.get(body["id"])
    assert record is not None
    assert record.notification["title"] == body["title"]


def test_fifty_concurrent_posts_of_one_id_make_one_record_and_one_send(api: ApiClient) -> None:
    body = notification_body()
    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(lambda _: api.post("/api/notifications", body), range(50)))
    assert {r.status for r in replies} == {200}
    sent = [r for r in replies if r.json["duplicate"] is False]
    assert len(sent) == 1
    messages = queue_messages(HARVESTER_QUEUE)
    assert len(messages) == 16
    assert sorted(m["shard"] for m in messages) == list(range(16))
    record = store.get(body["id"])
    assert record is not None
    assert len(record.reports) == 4


def test_fifty_racing_sends_of_one_id_in_separate_environments_make_one_record(clean: LocalRuntime) -> None:
    """The local API runs one request per function at a time, as one Lambda environment does; in AWS many
    environments race, so race the domain call itself: the conditional put lets exactly one through."""
    request = NotificationRequest.model_validate(notification_body())
    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(lambda _: sending.send(request, datetime.now(UTC)), range(50)))
    assert sum(1 for r in replies if not r.duplicate) == 1
    assert len(queue_messages(HARVESTER_QUEUE)) == 16


def test_ttls_follow_n10n_live_news_kept_news_dry_runs_7_days_other_types_3_months(api: ApiClient) -> None:
    live, dry = notification_body(), notification_body(dryRun=True)
    content, content_dry = notification_body(type="content"), notification_body(type="content", dryRun=True)
    for body in (live, dry, content, content_dry):
        assert api.post("/api/notifications", body).status == 200
    records = {b["id"]: store.get(b["id"]) for b in (live, dry, content, content_dry)}
    live_record = records[live["id"]]
    assert live_record is not None
    assert live_record.ttl is None
    item = store._table().get_item(Key={"id": live["id"]})["Item"]
    assert "ttl" not in item, "live breaking news is kept for good: no ttl attribute"
    for body, expected in ((dry, None), (content, 3), (content_dry, 3)):
        record = records[body["id"]]
        assert record is not None
        assert record.ttl is not None
        sent = datetime.fromisoformat(record.sentTime.replace("Z", "+00:00"))
        until = logic.add_months(sent, expected) if expected else sent + timedelta(days=7)
        assert record.ttl == int(until.timestamp())


def test_a_sent_notification_is_reported_and_a_dry_run_only_on_request(api: ApiClient) -> None:
    live, dry = notification_body(type="news"), notification_body(type="news", dryRun=True)
    for body in (live, dry):
        reply = api.post("/api/notifications", body)
        assert (reply.status, reply.json["duplicate"]) == (200, False)
    for query, expected in (
        ("", {live["id"]}),
        ("?type=news", {live["id"]}),
        ("?includeDryRun=true", {live["id"], dry["id"]}),
        ("?type=news&includeDryRun=true", {live["id"], dry["id"]}),
    ):
        reply = api.get(f"/api/notifications{query}")
        assert {i["id"] for i in reply.json["items"]} == expected, query


def test_only_the_send_scope_or_a_platform_admin_may_send(api: ApiClient, token: TokenFactory) -> None:
    body = notification_body()
    for refused_token in (token(role="user"), token(role="admin"), token(tenant="globex", role="admin")):
        refused = api.post("/api/notifications", body, token=refused_token)
        assert refused.status == 403
        assert "notifications:send" in refused.json["message"]
        assert set(refused.json) == {"error", "message", "details"}
    assert store.get(body["id"]) is None
    operator = api.post("/api/notifications", notification_body(), token=token(role="platform-admin"))
    assert operator.status == 200
    allowed = api.post("/api/notifications", body, token=token(role="user", scopes=["notifications:send"]))
    assert allowed.status == 200
    assert allowed.json["duplicate"] is False


def test_an_invalid_notification_is_refused_with_the_field_named(api: ApiClient) -> None:
    for bad, field in (
        (notification_body(id="not-a-uuid"), "id"),
        (notification_body(type="gossip"), "type"),
        (notification_body(title=""), "title"),
        (notification_body(topics=[]), "topics"),
        (notification_body(dryRun="maybe"), "dryRun"),
    ):
        reply = api.post("/api/notifications", bad)
        assert reply.status == 422, (field, reply.body)
        assert field in reply.json["message"]
    assert queue_messages(HARVESTER_QUEUE) == []


def test_a_queue_outage_is_reported_and_a_repost_of_the_id_queues_what_was_missing(
    api: ApiClient, clean: LocalRuntime
) -> None:
    _devices()
    body = notification_body()
    real = os.environ[HARVESTER_QUEUE.env_var]
    missing = real.rsplit("/", 1)[0] + "/no-such-queue"
    with (
        function_env.overridden(NOTIFICATIONS_API.name, **{HARVESTER_QUEUE.env_var: missing}),
        expect_denied() as denied,
    ):
        reset_settings()
        try:
            reply = api.post("/api/notifications", body)
        finally:
            reset_settings()
    assert {action for _, action, _ in denied} == {"sqs:SendMessage"}, (
        "IAM refuses a queue the function has no grant on"
    )
    assert reply.status == 502
    assert reply.json["error"] == "dependency_failed"
    assert "16 of 16 send requests could not be queued" in reply.json["message"]
    assert "POST it again with the same id" in reply.json["message"]
    record = store.get(body["id"])
    assert record is not None
    assert (record.reports, record.unqueuedShards, record.queueingSince) == ([], list(range(16)), None)

    again = api.post("/api/notifications", body)
    assert again.status == 200, again.body
    assert (again.json["duplicate"], again.json["resumed"], again.json["queuedSendRequests"]) == (False, True, 16)
    assert sorted(m["shard"] for m in queue_messages(HARVESTER_QUEUE)) == list(range(16))
    record = store.get(body["id"])
    assert record is not None
    assert len(record.reports) == 4
    assert record.unqueuedShards is None
    assert api.post("/api/notifications", body).json["duplicate"] is True
    assert len(queue_messages(HARVESTER_QUEUE)) == 16


def test_a_partial_queue_failure_leaves_only_the_failed_shards_to_queue(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQS refuses some entries of a batch (for good, after the retries): those shards stay on the record."""
    request = NotificationRequest.model_validate(notification_body())
    refused = {3, 11}

    def refusing(queue_url: str, bodies: list[str]) -> BatchOutcome:
        shards = [json.loads(b)["shard"] for b in bodies]
        kept = [n for n, shard in enumerate(shards) if shard not in refused]
        outcome = send_in_batches(queue_url, [bodies[n] for n in kept])
        outcome.failed = [
            {"id": str(n), "code": "InternalError", "message": "refused"} for n, s in enumerate(shards) if s in refused
        ]
        return outcome

    monkeypatch.setattr(sending, "send_in_batches", refusing)
    with pytest.raises(DependencyFailed, match="2 of 16 send requests could not be queued"):
        sending.send(request, datetime.now(UTC))
    record = store.get(str(request.id))
    assert record is not None
    assert (record.unqueuedShards, record.reports) == ([3, 11], [])
    assert len(queue_messages(HARVESTER_QUEUE)) == 14

    monkeypatch.setattr(sending, "send_in_batches", send_in_batches)
    reply = sending.send(request, datetime.now(UTC))
    assert (reply.resumed, reply.queuedSendRequests) == (True, 2)
    assert sorted(m["shard"] for m in queue_messages(HARVESTER_QUEUE)) == list(range(16)), "no shard queued twice"
    record = store.get(str(request.id))
    assert record is not None
    assert len(record.reports) == 4


@pytest.mark.parametrize(("crashed_ago", "taken_over"), [(timedelta(minutes=5), True), (timedelta(seconds=10), False)])
def test_a_send_that_crashed_mid_queue_is_taken_over_only_once_its_lease_expired(
    clean: LocalRuntime, crashed_ago: timedelta, taken_over: bool
) -> None:
    request = NotificationRequest.model_validate(notification_body())
    now = datetime.now(UTC)
    crashed = now - crashed_ago
    store.put_new(logic.new_record(request, crashed, 0, list(range(16)), logic.queueing_lease(crashed)))
    reply = sending.send(request, now)
    assert (reply.duplicate, reply.resumed) == (not taken_over, taken_over)
    assert len(queue_messages(HARVESTER_QUEUE)) == (16 if taken_over else 0)
