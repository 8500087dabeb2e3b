"""The delivery service, the Deliver step and the sweepers against a real webhook receiver (local.peers.HttpPeer)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from local import outbox
from local.peers import HttpPeer, Reply
from local.runtime import LocalRuntime
from shared import clock
from shared.delivery import records, service, stats
from shared.delivery.channel import DeliveryContext
from shared.delivery.sweep import sweep_deliveries, sweep_jobs
from shared.errors import TransientError
from shared.jobs import store as job_store
from shared.pipeline import steps
from shared.settings import reset_settings
from tests.support.deliveries import stored_job
from tests.support.pipeline import executions, mail_to

SECRET = "s3cret-for-this-subscription"
ONE_TRY = {"max_attempts": 1, "backoff_base_s": 0, "backoff_max_s": 0, "timeout_s": 5}


@pytest.fixture
def peer(clean: LocalRuntime) -> Iterator[HttpPeer]:
    with HttpPeer() as running:
        running.expect_secret("/hook", SECRET)
        yield running


def webhook(peer: HttpPeer, job_id: str, number: int = 0) -> DeliveryContext:
    recipient = f"hook-{number}"
    return DeliveryContext(
        delivery_id=service.delivery_id_for(job_id, "webhook", recipient),
        tenant_id="acme",
        job_id=job_id,
        subscription_id="sub-1",
        owner_id="alice",
        channel="webhook",
        recipient=recipient,
        config={"url": peer.url("/hook"), "secret": SECRET, "retry": ONE_TRY},
    )


def accepted(peer: HttpPeer) -> Counter[str]:
    return Counter(r.headers["x-delivery-id"] for r in peer.requests if r.answered == 200)


def test_a_deliver_step_rerun_sends_nothing_twice(peer: HttpPeer) -> None:
    job = stored_job("job-rerun", status="processing")
    (record,) = service.open_deliveries([webhook(peer, job.jobId)])
    item = {"tenantId": "acme", "jobId": job.jobId, "deliveryId": record.deliveryId}
    first = steps.deliver(item)
    again = steps.deliver(item)
    assert first == again == {"deliveryId": record.deliveryId, "status": "delivered"}
    assert accepted(peer) == {record.deliveryId: 1}
    stored = records.get("acme", record.deliveryId)
    assert stored is not None
    assert stored.attempts == 1
    assert stored.sentAt


def test_a_planned_delivery_is_claimed_without_being_created_again(
    peer: HttpPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = stored_job("job-planned", status="processing")
    (record,) = service.open_deliveries([webhook(peer, job.jobId)])

    def no_second_create(_record: records.DeliveryRecord) -> records.DeliveryRecord:
        raise AssertionError("the Deliver step re-created a planned delivery's record")

    monkeypatch.setattr(records, "create", no_second_create)
    item = {"tenantId": "acme", "jobId": job.jobId, "deliveryId": record.deliveryId}
    assert steps.deliver(item) == {"deliveryId": record.deliveryId, "status": "delivered"}
    assert accepted(peer) == {record.deliveryId: 1}


def test_every_try_is_counted_in_the_distribution_stats(peer: HttpPeer) -> None:
    job = stored_job("job-stats")
    peer.script(Reply(503))
    context = webhook(peer, job.jobId)
    with pytest.raises(TransientError):
        service.deliver(context, service.artifacts_of(job))
    service.deliver(context, service.artifacts_of(job))
    start = clock.now() - timedelta(hours=1)
    rows = stats.read_stats("acme", start, clock.now() + timedelta(hours=1), channel="webhook")
    totals = stats.totals(rows)
    assert totals is not None
    assert (totals.deliveries_attempted, totals.deliveries_successful, totals.deliveries_failed) == (2, 1, 0)


def test_chaos_1000_deliveries_with_10_percent_transient_failures_each_land_once(peer: HttpPeer) -> None:
    job = stored_job("job-chaos")
    artifacts = service.artifacts_of(job)
    rng = random.Random(20261123)
    peer.script(*[Reply(503 if rng.random() < 0.10 else 200) for _ in range(1300)])
    contexts = [webhook(peer, job.jobId, n) for n in range(1000)]
    service.open_deliveries(contexts)
    retried = 0
    for context in contexts:
        for _try in range(10):
            try:
                service.deliver(context, artifacts)
                break
            except TransientError:
                retried += 1
    assert retried > 50, "the seeded failures happened"
    landed = accepted(peer)
    assert len(landed) == 1000
    assert set(landed.values()) == {1}
    statuses = Counter(r.status for r in records.list_for_job(job.jobId))
    assert statuses == {"delivered": 1000}
    for context in contexts[:50]:
        service.deliver(context, artifacts)
    assert sum(accepted(peer).values()) == 1000, "delivering again sends nothing"


def test_sweeper_sends_a_delivery_left_created(peer: HttpPeer) -> None:
    job = stored_job("job-created")
    clock.set_now(clock.now() - timedelta(hours=1))
    try:
        (record,) = service.open_deliveries([webhook(peer, job.jobId)])
    finally:
        clock.set_now(None)
    fresh = webhook(peer, job.jobId, 1)
    service.open_deliveries([fresh])
    report = sweep_deliveries()
    assert report.resent == [record.deliveryId]
    assert accepted(peer) == {record.deliveryId: 1}
    assert records.get("acme", fresh.delivery_id).status == "created"  # type: ignore[union-attr]
    assert sweep_deliveries().resent == []


def test_sweeper_resends_a_stale_webhook_sending_with_the_same_id_and_abandons_an_email(peer: HttpPeer) -> None:
    job = stored_job("job-sending")
    hook = webhook(peer, job.jobId)
    mail = hook.model_copy(
        update={"channel": "email", "recipient": "bob@example.com", "config": {}, "delivery_id": "dlv-m"}
    )
    clock.set_now(clock.now() - timedelta(hours=1))
    try:
        service.open_deliveries([hook, mail])
        for context in (hook, mail):
            assert records.claim("acme", context.delivery_id, clock.iso(clock.now())) is not None
    finally:
        clock.set_now(None)
    report = sweep_deliveries()
    assert report.resent == [hook.delivery_id]
    assert report.abandoned == ["dlv-m"]
    assert accepted(peer) == {hook.delivery_id: 1}
    resent = records.get("acme", hook.delivery_id)
    assert resent is not None
    assert resent.status == "delivered"
    assert resent.attempts == 2
    abandoned = records.get("acme", "dlv-m")
    assert abandoned is not None
    assert abandoned.status == "failed"
    assert "at most once" in (abandoned.lastError or "")
    assert mail_to("bob@example.com") == []


def test_job_sweeper_fails_a_stalled_job_and_tells_its_owner(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOB_MAX_REDRIVES", "0")
    reset_settings()
    try:
        stalled = stored_job("job-stalled", status="processing", updated_ago=timedelta(hours=3))
        live = stored_job("job-live", status="processing")
        report = sweep_jobs()
    finally:
        monkeypatch.delenv("JOB_MAX_REDRIVES")
        reset_settings()
    assert report.failed == [stalled.jobId]
    assert report.redriven == []
    failed = job_store.get("acme", stalled.jobId)
    assert failed is not None
    assert failed.status == "failed"
    assert failed.error is not None
    assert "no progress for 90 minutes at step deliver" in failed.error.cause
    assert job_store.get("acme", live.jobId).status == "processing"  # type: ignore[union-attr]
    assert any("Report failed" in str(m["Subject"]) for m in mail_to("alice@example.com"))
    assert sweep_jobs().failed == []


def test_job_sweeper_redrives_a_stalled_job_with_the_same_input(clean: LocalRuntime) -> None:
    stalled = stored_job("job-redrive", status="processing", updated_ago=timedelta(hours=3))
    report = sweep_jobs()
    assert report.redriven == [stalled.jobId]
    assert any(e["name"] == f"{stalled.jobId}-redrive-1" for e in executions())
    assert outbox.messages() == [] or not mail_to("alice@example.com")
