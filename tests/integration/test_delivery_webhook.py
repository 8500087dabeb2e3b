"""Webhook and Slack channels against a real HTTP receiver on 127.0.0.1 (local.peers.HttpPeer)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from local.delivery_demo import delivery_context, describe_artifact
from local.peers import HttpPeer, Reply
from shared.delivery.channel import Artifact
from shared.delivery.channels.slack import SlackChannel
from shared.delivery.channels.webhook import WebhookChannel, verify_signature
from shared.errors import PermanentError, TransientError

SECRET = "s3cret-for-this-subscription"
FAST = {"backoff_base_s": 0.01, "backoff_max_s": 0.05, "timeout_s": 2}


@pytest.fixture
def peer() -> Iterator[HttpPeer]:
    with HttpPeer() as running:
        running.expect_secret("/hook", SECRET)
        yield running


@pytest.fixture
def artifact() -> Artifact:
    return describe_artifact(
        "exp-42", size_bytes=2048576, title="Portfolio performance", report_type="PERFORMANCE_REPORT", period="2025-06"
    )


def webhook_config(peer: HttpPeer, **overrides: Any) -> dict[str, Any]:
    return {"url": peer.url("/hook"), "secret": SECRET, "retry": {**FAST, **overrides.pop("retry", {})}, **overrides}


def test_500_twice_then_200_is_delivered_once_after_3_attempts(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(500), Reply(503), Reply(200))
    receipt = WebhookChannel().send(delivery_context("webhook", webhook_config(peer), "dlv-1"), [artifact])
    assert receipt.attempts == 3
    assert receipt.status == 200
    assert "after 3 attempt(s)" in receipt.detail
    requests = peer.requests
    assert [r.answered for r in requests] == [500, 503, 200]
    assert {r.headers["x-delivery-id"] for r in requests} == {"dlv-1"}
    assert [r.headers["x-delivery-attempt"] for r in requests] == ["1", "2", "3"]
    assert len({r.body for r in requests}) == 1, "every retry carries the same event"
    assert [r for r in requests if r.answered == 200] == requests[-1:]


def test_the_body_is_seed_003s_report_distributed_event(peer: HttpPeer, artifact: Artifact) -> None:
    WebhookChannel().send(delivery_context("webhook", webhook_config(peer, delivery_priority=2)), [artifact])
    event = peer.requests[0].json
    assert set(event) >= {"event_id", "timestamp", "distribution", "report_data", "metadata"}
    assert event["distribution"]["delivery_channels"] == ["API_WEBHOOK"]
    assert event["distribution"]["topic"] == "reporting/PERFORMANCE_REPORT/delivered"
    assert event["distribution"]["target_subscribers"] == ["demo-admin"]
    assert event["report_data"]["report_id"] == "job-0001"
    assert event["report_data"]["period"] == "2025-06"
    assert event["report_data"]["file_path"] == artifact.download_url
    assert event["report_data"]["file_size_bytes"] == 2048576
    assert event["metadata"] == {
        "source_service": "report-platform",
        "delivery_priority": 2,
        "encryption_required": False,
        "retention_days": 30,
    }


def test_the_receiver_verifies_the_signature_and_detects_a_wrong_secret(peer: HttpPeer, artifact: Artifact) -> None:
    WebhookChannel().send(delivery_context("webhook", webhook_config(peer)), [artifact])
    good = peer.requests[0]
    assert good.signature_valid is True
    assert verify_signature(SECRET, good.headers["x-timestamp"], good.body, good.headers["x-signature"])
    assert not verify_signature(
        "another-secret-entirely", good.headers["x-timestamp"], good.body, good.headers["x-signature"]
    )
    assert not verify_signature(SECRET, good.headers["x-timestamp"], good.body + b" ", good.headers["x-signature"])
    stale = str(int(good.headers["x-timestamp"]) - 3600)
    assert not verify_signature(SECRET, stale, good.body, good.headers["x-signature"])

    wrong = webhook_config(peer, secret="a-secret-the-receiver-does-not-know")
    with pytest.raises(PermanentError, match="HTTP 401"):
        WebhookChannel().send(delivery_context("webhook", wrong, "dlv-2"), [artifact])
    assert peer.requests[-1].signature_valid is False


def test_a_4xx_fails_at_once_with_status_and_body(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(404, "no such hook"))
    with pytest.raises(PermanentError, match=r"HTTP 404 .*no such hook"):
        WebhookChannel().send(delivery_context("webhook", webhook_config(peer)), [artifact])
    assert len(peer.requests) == 1


def test_429_with_retry_after_is_honoured(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(429, "slow down", retry_after="1"), Reply(200))
    receipt = WebhookChannel().send(delivery_context("webhook", webhook_config(peer)), [artifact])
    first, second = peer.requests
    assert receipt.attempts == 2
    assert second.received_at - first.received_at >= 0.95


def test_a_retry_after_beyond_the_budget_ends_the_send_as_transient(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(429, retry_after="3600"))
    with pytest.raises(TransientError, match="retry after 3600 s"):
        WebhookChannel().send(delivery_context("webhook", webhook_config(peer)), [artifact])
    assert len(peer.requests) == 1


def test_after_the_retry_budget_the_failure_is_transient(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(*[Reply(502)] * 3)
    with pytest.raises(TransientError, match="after 3 attempts; last: HTTP 502"):
        WebhookChannel().send(delivery_context("webhook", webhook_config(peer, retry={"max_attempts": 3})), [artifact])
    assert len(peer.requests) == 3


def test_a_timeout_is_retried(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(200, delay_s=1.5), Reply(200))
    config = webhook_config(peer, retry={"timeout_s": 0.5})
    started = time.monotonic()
    receipt = WebhookChannel().send(delivery_context("webhook", config), [artifact])
    assert receipt.attempts == 2
    assert time.monotonic() - started < 1.4


def test_nobody_listening_is_transient(artifact: Artifact) -> None:
    with HttpPeer() as gone:
        url = gone.url("/hook")
    config = {"url": url, "secret": SECRET, "retry": {**FAST, "max_attempts": 2}}
    with pytest.raises(TransientError, match="after 2 attempts"):
        WebhookChannel().send(delivery_context("webhook", config), [artifact])


def test_slack_message_names_the_report_period_and_link(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(500), Reply(200))
    config = {"webhook_url": peer.url("/services/T0/B0/x"), "retry": FAST}
    receipt = SlackChannel().send(delivery_context("slack", config), [artifact])
    assert receipt.attempts == 2
    message = peer.requests[-1].json
    assert "Portfolio performance" in message["text"]
    assert artifact.download_url in message["text"]
    header, section, actions = message["blocks"]
    assert header["text"]["text"] == "Portfolio performance"
    assert "2025-06" in section["fields"][0]["text"]
    assert actions["elements"][0]["url"] == artifact.download_url


def test_slack_4xx_is_permanent(peer: HttpPeer, artifact: Artifact) -> None:
    peer.script(Reply(404, "channel_not_found"))
    config = {"webhook_url": peer.url("/services/T0/B0/x"), "retry": FAST}
    with pytest.raises(PermanentError, match="channel_not_found"):
        SlackChannel().send(delivery_context("slack", config), [artifact])
