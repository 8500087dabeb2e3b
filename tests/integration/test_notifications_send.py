"""POST /api/notifications: validation, who may send, deduplication (also under 50 concurrent requests), batching
to the harvester queue, the sender results, and a failure after the record exists being reported."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from local.runtime import LocalRuntime
from shared.catalog.notifications import HARVESTER_QUEUE
from shared.notifications import registrations, sending, store
from shared.notifications.models import NotificationRequest
from shared.settings import reset_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.notifications import notification_body, queue_messages


def _devices() -> None:
    registrations.register(
        [("breaking/uk", f"tok-{n}", ("ios", "android", "iosEdition", "androidEdition")[n % 4]) for n in range(20)]
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
    assert by_platform == {"ios": 5, "android": 10, "iosEdition": 5, "androidEdition": 5}
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
        "iosEdition",
        "androidEdition",
    }
    assert all(r.totalRegistrationCount == 25 for r in record.reports)
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


def test_dry_runs_expire_sooner(api: ApiClient) -> None:
    live, dry = notification_body(), notification_body(dryRun=True)
    api.post("/api/notifications", live)
    api.post("/api/notifications", dry)
    live_record, dry_record = store.get(live["id"]), store.get(dry["id"])
    assert live_record is not None
    assert dry_record is not None
    for record, days in ((live_record, 90), (dry_record, 7)):
        sent = datetime.fromisoformat(record.sentTime.replace("Z", "+00:00")).timestamp()
        assert abs(record.ttl - sent - days * 86400) <= 1


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


def test_only_an_admin_or_the_send_scope_may_send(api: ApiClient, token: TokenFactory) -> None:
    body = notification_body()
    refused = api.post("/api/notifications", body, token=token(role="user"))
    assert refused.status == 403
    assert "notifications:send" in refused.json["message"]
    assert store.get(body["id"]) is None
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


def test_a_queue_failure_after_the_record_exists_is_reported(api: ApiClient, clean: LocalRuntime) -> None:
    body = notification_body()
    real = os.environ[HARVESTER_QUEUE.env_var]
    os.environ[HARVESTER_QUEUE.env_var] = real.rsplit("/", 1)[0] + "/no-such-queue"
    reset_settings()
    try:
        reply = api.post("/api/notifications", body)
    finally:
        os.environ[HARVESTER_QUEUE.env_var] = real
        reset_settings()
    assert reply.status == 502
    assert reply.json["error"] == "dependency_failed"
    assert "recorded" in reply.json["message"]
    assert "16 send requests" in reply.json["message"]
    record = store.get(body["id"])
    assert record is not None
    assert record.reports == []
    assert api.post("/api/notifications", body).json["duplicate"] is True
