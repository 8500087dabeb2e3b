"""Harvester and push workers: fan-out per platform, partial batch failures, retries, the DLQ, dry runs, at most one
push per device even when SQS delivers a message twice."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest

from local.push import PUSH_LOG
from local.queues import drain
from local.runtime import LocalRuntime
from shared.aws import client
from shared.catalog.notifications import HARVESTER_QUEUE, PUSH_QUEUES
from shared.errors import TransientError
from shared.notifications import harvesting, logic, registrations
from shared.notifications.models import NotificationRequest, SendRequest
from shared.queue_batches import BatchOutcome, send_in_batches
from shared.settings import get_settings
from tests.support.api_client import ApiClient
from tests.support.notifications import notification_body, queue_messages

PLATFORM_OF = ("ios", "android", "ios-edition", "android-edition")


@pytest.fixture
def devices(api: ApiClient) -> Iterator[list[str]]:
    PUSH_LOG.clear()
    tokens = [f"device-{n:02d}" for n in range(12)]
    registrations.register([("breaking/uk", token, PLATFORM_OF[n % 4]) for n, token in enumerate(tokens)])
    yield tokens
    PUSH_LOG.clear()


def test_each_device_gets_one_push_on_its_platform(api: ApiClient, devices: list[str]) -> None:
    body = notification_body()
    assert api.post("/api/notifications", body).status == 200
    drain()
    sent = PUSH_LOG.sent()
    assert sorted(a.device_token for a in sent) == devices
    assert {a.device_token: a.platform for a in sent} == {t: PLATFORM_OF[n % 4] for n, t in enumerate(devices)}
    assert {a.title for a in sent} == {body["title"]}
    assert {a.data["notificationId"] for a in sent} == {body["id"]}
    for queue in (HARVESTER_QUEUE, *PUSH_QUEUES.values()):
        assert queue_messages(queue) == []
        assert queue_messages(queue, dlq=True) == []


def test_a_failing_device_is_retried_then_dead_lettered_without_blocking_the_rest(
    api: ApiClient, devices: list[str]
) -> None:
    failing = devices[1]  # an android device
    PUSH_LOG.fail(failing)
    api.post("/api/notifications", notification_body())
    drain()
    attempts = Counter(a.device_token for a in PUSH_LOG.attempts)
    assert attempts[failing] == PUSH_QUEUES["android"].max_receive_count
    assert sorted(a.device_token for a in PUSH_LOG.sent()) == sorted(t for t in devices if t != failing)
    dead = queue_messages(PUSH_QUEUES["android"], dlq=True)
    assert [m["token"] for m in dead] == [failing]
    assert queue_messages(PUSH_QUEUES["android"]) == []


def test_a_device_refused_for_good_is_tried_once_and_dropped(api: ApiClient, devices: list[str]) -> None:
    PUSH_LOG.fail(devices[0], how="permanent")
    api.post("/api/notifications", notification_body())
    drain()
    assert Counter(a.device_token for a in PUSH_LOG.attempts)[devices[0]] == 1
    assert queue_messages(PUSH_QUEUES["ios"], dlq=True) == []


def test_a_poison_send_request_reaches_the_dlq_and_the_rest_of_its_batch_is_processed(
    api: ApiClient, devices: list[str]
) -> None:
    sqs = client("sqs")
    url = get_settings().name_of(HARVESTER_QUEUE)
    sqs.send_message(QueueUrl=url, MessageBody='{"notificationId": "x", "shard": "not a number"}')
    api.post("/api/notifications", notification_body())
    handled = drain()
    assert handled >= 16 + HARVESTER_QUEUE.max_receive_count
    assert sorted(a.device_token for a in PUSH_LOG.sent()) == devices
    dead = queue_messages(HARVESTER_QUEUE, dlq=True)
    assert dead == [{"notificationId": "x", "shard": "not a number"}]


def test_a_dry_run_goes_through_the_queues_but_sends_nothing(api: ApiClient, devices: list[str]) -> None:
    api.post("/api/notifications", notification_body(dryRun=True))
    handled = drain()
    assert handled == 16 + len(devices)
    assert PUSH_LOG.attempts == []


def test_a_push_delivered_twice_by_sqs_is_sent_once(clean: LocalRuntime, devices: list[str]) -> None:
    sqs = client("sqs")
    push = {
        "notificationId": "n-1",
        "platform": "ios",
        "token": devices[0],
        "title": "t",
        "body": "b",
        "data": {"notificationId": "n-1"},
        "dryRun": False,
    }
    url = get_settings().name_of(PUSH_QUEUES["ios"])
    for _ in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(push))
        drain()
    assert len(PUSH_LOG.attempts) == 1


def test_a_retried_send_request_queues_only_the_platform_that_failed(
    clean: LocalRuntime, devices: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Android's queue refuses the first try: the retry queues android's pushes, not the other platforms' again."""
    shard = logic.shard_of(devices[1], get_settings().harvester_shards)  # an android device's shard
    in_shard = {t for t in devices if logic.shard_of(t, get_settings().harvester_shards) == shard}
    request = SendRequest(
        notificationId="n-retried",
        shard=shard,
        notification=NotificationRequest.model_validate(notification_body()),
    )
    android = get_settings().name_of(PUSH_QUEUES["android"])
    queued_to: list[str] = []

    def flaky(queue_url: str, bodies: list[str]) -> BatchOutcome:
        queued_to.append(queue_url)
        if queue_url == android and queued_to.count(android) == 1:
            return BatchOutcome(failed=[{"id": "0", "code": "InternalError", "message": "refused"}])
        return send_in_batches(queue_url, bodies)

    monkeypatch.setattr(harvesting, "send_in_batches", flaky)
    with pytest.raises(TransientError, match="android pushes not queued"):
        harvesting.harvest(request)
    first = len(queued_to)
    again = harvesting.harvest(request)
    assert queued_to[first:] == [android], "only the failed platform is queued again"
    assert sum(again.values()) == len(in_shard)
    pushed = [m["token"] for queue in PUSH_QUEUES.values() for m in queue_messages(queue)]
    assert sorted(pushed) == sorted(in_shard), "each device of the shard queued once"
