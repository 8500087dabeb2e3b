"""The email channel: attachments only under the configured cap, and sends paced at the SES sending rate."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from local.runtime import LocalRuntime
from shared.aws import resource
from shared.catalog.delivery import SEND_RATE
from shared.delivery import send_rate, service
from shared.delivery.channel import DeliveryContext
from shared.delivery.email import report_message
from shared.delivery.send_rate import SharedTokenBucket, TokenBucket
from shared.settings import get_settings, reset_settings
from tests.support.deliveries import PDF, stored_job


@pytest.fixture
def settings(clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    monkeypatch.undo()
    reset_settings()
    send_rate.reset()


def context(number: int = 0) -> DeliveryContext:
    return DeliveryContext(
        delivery_id=f"dlv-mail-{number}",
        tenant_id="acme",
        job_id="job-mail",
        subscription_id="sub-1",
        owner_id="alice",
        channel="email",
        recipient=f"reader{number}@example.com",
    )


def test_small_files_are_attached_and_large_ones_only_linked(settings: pytest.MonkeyPatch) -> None:
    small = service.artifacts_of(stored_job("job-small"))
    message = report_message(context(), small)
    (attached,) = list(message.iter_attachments())
    assert attached.get_content() == PDF
    assert attached.get_filename() == "Weekly_trial_summary.pdf"
    large = service.artifacts_of(stored_job("job-large", size_bytes=5_000_000))
    linked = report_message(context(), large)
    assert list(linked.iter_attachments()) == []
    body = linked.get_body(("plain",))
    assert body is not None
    assert "/api/reports/exports/job-large/download?format=pdf" in body.get_content()
    settings.setenv("EMAIL_ATTACHMENT_MAX_BYTES", "0")
    reset_settings()
    assert list(report_message(context(), small).iter_attachments()) == []


def test_token_bucket_waits_for_the_rate() -> None:
    moments = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        moments[0] += seconds

    bucket = TokenBucket(2.0, now=lambda: moments[0], sleep=sleep)
    waited = [bucket.take() for _ in range(6)]
    assert waited[:2] == [0.0, 0.0], "the bank of one second's sends goes at once"
    assert waited[2:] == pytest.approx([0.5, 0.5, 0.5, 0.5])
    assert moments[0] == pytest.approx(2.0)


def test_emails_go_at_the_configured_ses_rate(settings: pytest.MonkeyPatch) -> None:
    settings.setenv("SES_MAX_SEND_RATE", "10")
    reset_settings()
    send_rate.reset()
    artifacts = service.artifacts_of(stored_job("job-paced"))
    contexts = [context(n) for n in range(25)]
    service.open_deliveries(contexts)
    started = time.monotonic()
    for one in contexts:
        assert service.deliver(one, artifacts).status == "delivered"
    assert time.monotonic() - started >= 1.4, "25 emails at 10/s with a bank of 10 take at least 1.5 s"
    assert send_rate.ses_bucket().rate == 10


def test_the_rate_is_the_account_quota_when_not_configured(settings: pytest.MonkeyPatch) -> None:
    settings.delenv("SES_MAX_SEND_RATE", raising=False)
    reset_settings()
    send_rate.reset()
    assert send_rate.ses_bucket().rate == 1.0, "moto's SES answers MaxSendRate 1"


def test_concurrent_senders_in_separate_environments_share_one_account_rate(settings: pytest.MonkeyPatch) -> None:
    """Four senders, each with its own bucket object as four Lambda environments would have, all take from the one
    `send-rate` item: together they stay within the rate (issue 14 item 4)."""
    rate, per_sender, senders = 8.0, 6, 4
    table = resource("dynamodb").Table(get_settings().name_of(SEND_RATE))
    taken: list[float] = []
    lock = threading.Lock()

    def send() -> None:
        bucket = SharedTokenBucket(table, "ses-test", rate, capacity=1)
        for _ in range(per_sender):
            bucket.take()
            with lock:
                taken.append(time.monotonic())

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(taken) == senders * per_sender
    taken.sort()
    measured = (len(taken) - 1) / (taken[-1] - taken[0])
    assert measured <= rate * 1.1, f"{measured:.1f} sends/s across senders, limit {rate}"
    for start in taken:
        in_one_second = [t for t in taken if start <= t < start + 1.0]
        assert len(in_one_second) <= rate + 1, "no one-second window holds more than the rate plus the burst"
    (item,) = [i for i in table.scan()["Items"] if i["bucketId"] == "ses-test"]
    assert float(item["tokens"]) < 1


def test_the_email_channel_paces_through_the_shared_bucket(settings: pytest.MonkeyPatch) -> None:
    send_rate.reset()
    assert type(send_rate.ses_bucket()).__name__ == "SharedTokenBucket"
