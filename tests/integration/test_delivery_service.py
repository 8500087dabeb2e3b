"""The delivery service, the Deliver step and the sweepers against a real webhook receiver (local.peers.HttpPeer)."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from local import outbox
from local.peers import HttpPeer, Reply
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client, resource
from shared.catalog.pipeline import DELIVERIES, PIPELINE_DLQ
from shared.delivery import records, service, stats, sweep
from shared.delivery.channel import DeliveryContext
from shared.delivery.sweep import sweep_deliveries, sweep_jobs
from shared.errors import PermanentError, TransientError
from shared.jobs import store as job_store
from shared.jobs.models import JobError
from shared.pipeline import steps
from shared.settings import get_settings, reset_settings
from tests.support.deliveries import stored_job
from tests.support.dynamodb_calls import counting_dynamodb_calls
from tests.support.pipeline import executions, mail_to, text_of

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


def aged(delivery_id: str, by: timedelta) -> records.DeliveryRecord:
    """The record as if its last update had been `by` ago (the sends themselves happen now: the peer checks the
    signature's timestamp)."""
    table = resource("dynamodb").Table(get_settings().name_of(DELIVERIES))
    table.update_item(
        Key={"tenantId": "acme", "deliveryId": delivery_id},
        UpdateExpression="SET updatedAt = :then",
        ExpressionAttributeValues={":then": clock.iso(clock.now() - by)},
    )
    record = records.get("acme", delivery_id)
    assert record is not None
    return record


def failed_transiently(peer: HttpPeer, job_id: str) -> tuple[DeliveryContext, records.DeliveryRecord]:
    """A planned webhook delivery whose send got a 503: `failed`, retryable, as the pipeline leaves it when its
    retries are used up."""
    context = webhook(peer, job_id)
    service.open_deliveries([context])
    peer.script(Reply(503))
    job = job_store.get("acme", job_id)
    assert job is not None
    with pytest.raises(TransientError):
        service.deliver(context, service.artifacts_of(job))
    record = records.get("acme", context.delivery_id)
    assert record is not None
    assert (record.status, record.retryable, record.attempts, record.sweeps) == ("failed", True, 1, 0)
    return context, record


def dead_letters() -> list[dict[str, Any]]:
    sqs = client("sqs")
    url = get_settings().name_of(PIPELINE_DLQ)
    found = []
    while reply := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages"):
        for message in reply:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


@pytest.fixture
def swept_metrics(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    added: dict[str, float] = {}

    def add_metric(name: str, unit: str, value: float) -> None:
        added[name] = added.get(name, 0) + value

    monkeypatch.setattr(sweep.metrics, "add_metric", add_metric)
    return added


def test_sweeper_resends_a_transiently_failed_webhook_once_its_backoff_has_passed(peer: HttpPeer) -> None:
    job = stored_job("job-failed-retryable")
    context, _record = failed_transiently(peer, job.jobId)
    early = sweep_deliveries()
    assert context.delivery_id not in early.resent + early.waiting + early.skipped, "not listed before 15 minutes"
    assert len(peer.requests) == 1
    aged(context.delivery_id, timedelta(minutes=16))
    report = sweep_deliveries()
    assert report.resent == [context.delivery_id]
    assert accepted(peer) == {context.delivery_id: 1}
    assert peer.requests[-1].headers["x-delivery-id"] == context.delivery_id
    delivered = records.get("acme", context.delivery_id)
    assert delivered is not None
    assert (delivered.status, delivered.attempts, delivered.sweeps, delivered.lastError) == ("delivered", 2, 1, None)
    aged(context.delivery_id, timedelta(days=1))
    assert sweep_deliveries().resent == []
    assert accepted(peer) == {context.delivery_id: 1}


def test_a_sweep_before_the_backoff_does_nothing(peer: HttpPeer) -> None:
    job = stored_job("job-backoff")
    context, _record = failed_transiently(peer, job.jobId)
    aged(context.delivery_id, timedelta(minutes=16))
    peer.script(Reply(503))
    assert sweep_deliveries().retrying == [context.delivery_id]
    once = records.get("acme", context.delivery_id)
    assert once is not None
    assert (once.status, once.retryable, once.sweeps, once.attempts) == ("failed", True, 1, 2)
    aged(context.delivery_id, timedelta(minutes=20))  # past the 15-minute listing, before the doubled 30 minutes
    waiting = sweep_deliveries()
    assert waiting.waiting == [context.delivery_id]
    assert waiting.resent == waiting.retrying == []
    assert len(peer.requests) == 2
    unchanged = records.get("acme", context.delivery_id)
    assert unchanged is not None
    assert (unchanged.sweeps, unchanged.attempts) == (1, 2)
    aged(context.delivery_id, timedelta(minutes=31))
    assert sweep_deliveries().resent == [context.delivery_id]
    assert accepted(peer) == {context.delivery_id: 1}


def test_a_delivery_still_failing_after_the_sweeper_retries_is_failed_for_good_and_dead_lettered(
    peer: HttpPeer, swept_metrics: dict[str, float]
) -> None:
    job = stored_job("job-exhausted")
    context, _record = failed_transiently(peer, job.jobId)
    dead_letters()
    for sweep_number in range(1, get_settings().delivery_retry_sweeps + 1):
        aged(context.delivery_id, timedelta(days=1))
        peer.script(Reply(503))
        assert sweep_deliveries().retrying == [context.delivery_id]
        assert records.get("acme", context.delivery_id).sweeps == sweep_number  # type: ignore[union-attr]
    assert len(peer.requests) == 1 + get_settings().delivery_retry_sweeps
    aged(context.delivery_id, timedelta(days=1))
    swept_metrics.clear()
    report = sweep_deliveries()
    assert report.given_up == [context.delivery_id]
    assert report.dead_lettered == [context.delivery_id]
    assert swept_metrics["SweptDeliveriesGivenUp"] == 1
    assert swept_metrics["SweptDeliveriesDeadLettered"] == 1
    assert len(peer.requests) == 1 + get_settings().delivery_retry_sweeps, "giving up sends nothing"
    ended = records.get("acme", context.delivery_id)
    assert ended is not None
    assert (ended.status, ended.retryable) == ("failed", False)
    assert f"still failing after {get_settings().delivery_retry_sweeps} re-sends" in (ended.lastError or "")
    assert "HTTP 503" in (ended.lastError or "")
    (message,) = dead_letters()
    assert message["deliveryId"] == context.delivery_id
    assert (message["jobId"], message["tenantId"], message["step"], message["channel"]) == (
        job.jobId,
        "acme",
        "deliver",
        "webhook",
    )
    assert message["error"] == "DeliveryRetriesExhausted"
    assert "HTTP 503" in message["cause"]
    aged(context.delivery_id, timedelta(days=1))
    again = sweep_deliveries()
    assert context.delivery_id not in again.given_up + again.resent + again.skipped
    assert dead_letters() == []


def test_a_permanently_failed_delivery_is_never_touched(peer: HttpPeer) -> None:
    job = stored_job("job-permanent")
    context = webhook(peer, job.jobId)
    service.open_deliveries([context])
    peer.script(Reply(400))
    with pytest.raises(PermanentError):
        service.deliver(context, service.artifacts_of(job))
    before = aged(context.delivery_id, timedelta(hours=2))
    assert (before.status, before.retryable) == ("failed", False)
    report = sweep_deliveries()
    assert context.delivery_id not in report.model_dump_json()
    assert len(peer.requests) == 1
    assert records.get("acme", context.delivery_id) == before


def test_an_email_failed_retryable_is_not_sent_again_but_failed_for_good_and_dead_lettered(clean: LocalRuntime) -> None:
    job = stored_job("job-mail-failed")
    mail = DeliveryContext(
        delivery_id=service.delivery_id_for(job.jobId, "email", "bob@example.com"),
        tenant_id="acme",
        job_id=job.jobId,
        subscription_id="sub-1",
        owner_id="alice",
        channel="email",
        recipient="bob@example.com",
    )
    clock.set_now(clock.now() - timedelta(hours=1))
    try:
        service.open_deliveries([mail])
        now = clock.iso(clock.now())
        assert records.claim("acme", mail.delivery_id, now) is not None
        assert records.mark_failed("acme", mail.delivery_id, "SES send timed out", True, now) is not None
    finally:
        clock.set_now(None)
    dead_letters()
    report = sweep_deliveries()
    assert report.abandoned == [mail.delivery_id]
    assert report.dead_lettered == [mail.delivery_id]
    assert mail_to("bob@example.com") == []
    ended = records.get("acme", mail.delivery_id)
    assert ended is not None
    assert (ended.status, ended.retryable, ended.attempts, ended.sweeps) == ("failed", False, 1, 0)
    assert "SES send timed out" in (ended.lastError or "")
    assert "at most once" in (ended.lastError or "")
    (message,) = dead_letters()
    assert (message["deliveryId"], message["channel"], message["error"]) == (
        mail.delivery_id,
        "email",
        "DeliveryAbandoned",
    )
    assert sweep_deliveries().abandoned == []


@pytest.mark.parametrize("answer", [200, 503])
def test_two_sweeps_racing_over_a_failed_delivery_send_it_once(
    peer: HttpPeer, monkeypatch: pytest.MonkeyPatch, answer: int
) -> None:
    """Whether the first sweep's send lands or fails again, the second sweep's claim (on what it listed) misses."""
    job = stored_job("job-race-sweeps")
    context, _record = failed_transiently(peer, job.jobId)
    aged(context.delivery_id, timedelta(minutes=16))
    peer.script(Reply(answer))
    listed_by_both = records.list_retryable
    inner: list[sweep.DeliverySweep] = []
    racing = [True]

    def list_then_let_another_sweep_run(before: str, since: str, limit: int = 100) -> list[records.DeliveryRecord]:
        listed = listed_by_both(before, since, limit)
        if racing:
            racing.clear()
            inner.append(sweep_deliveries())  # a second sweep runs between this one's listing and its claim
        return listed

    monkeypatch.setattr(records, "list_retryable", list_then_let_another_sweep_run)
    outer = sweep_deliveries()
    assert (inner[0].resent if answer == 200 else inner[0].retrying) == [context.delivery_id]
    assert outer.skipped == [context.delivery_id]
    assert outer.resent == outer.retrying == []
    assert len(peer.requests) == 2, "one send by the pipeline, one by the sweeps together"
    assert accepted(peer) == ({context.delivery_id: 1} if answer == 200 else {})


def test_a_job_rerun_racing_the_sweeper_over_a_failed_delivery_sends_it_once(
    peer: HttpPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = stored_job("job-race-rerun")
    context, _record = failed_transiently(peer, job.jobId)
    aged(context.delivery_id, timedelta(minutes=16))
    listed_by_sweeper = records.list_retryable

    def list_then_let_the_rerun_deliver(before: str, since: str, limit: int = 100) -> list[records.DeliveryRecord]:
        listed = listed_by_sweeper(before, since, limit)
        assert service.deliver(context, service.artifacts_of(job)).status == "delivered"
        return listed

    monkeypatch.setattr(records, "list_retryable", list_then_let_the_rerun_deliver)
    report = sweep_deliveries()
    assert report.skipped == [context.delivery_id]
    assert report.resent == []
    assert accepted(peer) == {context.delivery_id: 1}
    delivered = records.get("acme", context.delivery_id)
    assert delivered is not None
    assert (delivered.status, delivered.attempts, delivered.sweeps) == ("delivered", 2, 0)


def test_a_job_failed_only_at_delivery_completes_once_the_sweeper_delivers_the_last_one(peer: HttpPeer) -> None:
    job = stored_job("job-failed-at-deliver", status="processing")
    delivered_first = webhook(peer, job.jobId, number=1)
    service.open_deliveries([delivered_first])
    assert service.deliver(delivered_first, service.artifacts_of(job)).status == "delivered"
    context, _record = failed_transiently(peer, job.jobId)
    undelivered = JobError(step="deliver", cause="webhook answered 503", error="TransientError")
    assert job_store.fail("acme", job.jobId, undelivered, clock.iso(clock.now())) is not None

    aged(context.delivery_id, timedelta(minutes=16))
    peer.script(Reply(503))
    still = sweep_deliveries()
    assert still.retrying == [context.delivery_id]
    assert still.jobs_completed == []
    failed = job_store.get("acme", job.jobId)
    assert failed is not None
    assert failed.status == "failed"

    aged(context.delivery_id, timedelta(minutes=31))
    report = sweep_deliveries()
    assert report.resent == [context.delivery_id]
    assert report.jobs_completed == [job.jobId]
    completed = job_store.get("acme", job.jobId)
    assert completed is not None
    assert (completed.status, completed.step, completed.error) == ("completed", "complete", None)
    assert completed.completedAt is not None
    assert accepted(peer) == {delivered_first.delivery_id: 1, context.delivery_id: 1}
    assert report.owners_told == [], "the owner was never told of the failure, so there is nothing to take back"
    assert outbox.messages() == []


def failed_at_delivery(peer: HttpPeer, job_id: str, tell_owner: bool) -> DeliveryContext:
    """A job failed at `deliver` with one webhook delivery failed transiently, aged past its first backoff; the owner
    emailed of the failure when `tell_owner`."""
    job = stored_job(job_id, status="processing")
    context, _record = failed_transiently(peer, job.jobId)
    undelivered = JobError(step="deliver", cause="webhook answered 503", error="TransientError")
    failed = job_store.fail("acme", job.jobId, undelivered, clock.iso(clock.now()))
    assert failed is not None
    if tell_owner:
        told = service.notify_owner_of_failure(failed)
        assert told is not None
        assert told.status == "delivered"
    aged(context.delivery_id, timedelta(minutes=16))
    return context


def test_an_owner_told_of_a_failure_is_told_once_when_the_sweeper_delivers_it_after_all(peer: HttpPeer) -> None:
    failed_at_delivery(peer, "job-told", tell_owner=True)
    (failure,) = mail_to("alice@example.com")
    assert str(failure["Subject"]) == "Report failed: Weekly trial summary"
    report = sweep_deliveries()
    assert (report.jobs_completed, report.owners_told) == (["job-told"], ["job-told"])
    failure_again, recovery = mail_to("alice@example.com")
    assert failure_again["Message-ID"] == failure["Message-ID"]
    assert str(recovery["Subject"]) == "Report delivered after all: Weekly trial summary"
    body = text_of(recovery)
    assert "has recovered: it was produced and delivered by a later retry" in body
    assert "/api/jobs/job-told" in body
    notices = {d.kind: d for d in records.list_for_job("job-told") if d.kind != "report"}
    assert set(notices) == {"failure_notice", "recovery_notice"}
    assert (notices["recovery_notice"].status, notices["recovery_notice"].recipient) == (
        "delivered",
        "alice@example.com",
    )
    completed = job_store.get("acme", "job-told")
    assert completed is not None
    assert service.notify_owner_of_recovery(completed) is not None  # asked again: the same record, no second email
    assert sweep_deliveries().owners_told == []
    assert len(mail_to("alice@example.com")) == 2


def stored_failure_notice(job_id: str) -> str:
    """A failure notice to alice for attempt 1 of the job, recorded `created` (as a crash before its send leaves it)."""
    notice_id = service.delivery_id_for(job_id, "failure-notice-1", "alice@example.com")
    now = clock.iso(clock.now())
    records.create(
        records.DeliveryRecord(
            deliveryId=notice_id,
            tenantId="acme",
            jobId=job_id,
            ownerId="alice",
            kind="failure_notice",
            channel="email",
            recipient="alice@example.com",
            createdAt=now,
            updatedAt=now,
        )
    )
    return notice_id


def test_no_recovery_note_when_the_failure_notice_never_reached_the_owner(peer: HttpPeer) -> None:
    failed_at_delivery(peer, "job-untold", tell_owner=False)
    notice_id = stored_failure_notice("job-untold")
    now = clock.iso(clock.now())
    assert records.claim("acme", notice_id, now) is not None
    assert records.mark_failed("acme", notice_id, "SES throttled", True, now) is not None
    report = sweep_deliveries()
    assert report.jobs_completed == ["job-untold"]
    assert report.owners_told == []
    assert mail_to("alice@example.com") == []


def test_a_job_failed_before_delivery_or_run_again_is_not_completed_by_the_sweeper(peer: HttpPeer) -> None:
    for job_id, step in (("job-failed-at-render", "render"), ("job-run-again", "deliver")):
        job = stored_job(job_id, status="processing")
        context, _record = failed_transiently(peer, job.jobId)
        assert job_store.fail("acme", job_id, JobError(step=step, cause="x", error="E"), clock.iso(clock.now()))
        aged(context.delivery_id, timedelta(minutes=16))
    assert job_store.requeue("acme", "job-run-again", clock.iso(clock.now())) is not None
    report = sweep_deliveries()
    assert len(report.resent) == 2
    assert report.jobs_completed == []
    render = job_store.get("acme", "job-failed-at-render")
    rerun = job_store.get("acme", "job-run-again")
    assert render is not None
    assert rerun is not None
    assert (render.status, rerun.status, rerun.attempt) == ("failed", "pending", 2)


def test_a_failure_notice_for_a_job_no_longer_failed_is_ended_not_left_sending(clean: LocalRuntime) -> None:
    job = stored_job("job-recovered")
    notice_id = stored_failure_notice(job.jobId)
    aged(notice_id, timedelta(minutes=16))
    sweep_deliveries()
    ended = records.get("acme", notice_id)
    assert ended is not None
    assert (ended.status, ended.retryable) == ("failed", False)
    assert ended.lastError == "job job-recovered has no owner address or nothing to tell of"
    assert mail_to("alice@example.com") == []


def test_a_deliver_now_creates_its_record_already_claimed(peer: HttpPeer) -> None:
    """An unrecorded delivery: the claim that misses, then the record created as `sending` (two writes, no third)."""
    job = stored_job("job-deliver-now", status="processing")
    context = webhook(peer, job.jobId)
    with counting_dynamodb_calls() as calls:
        done = service.deliver(context, service.artifacts_of(job))
    assert (done.status, done.attempts) == ("delivered", 1)
    claim_create, delivered_and_stats = calls.operations[:2], calls.operations[2:]
    assert claim_create == ["UpdateItem", "PutItem"]
    assert delivered_and_stats == ["UpdateItem", "UpdateItem"], "no second claim after the create"
    assert accepted(peer) == {context.delivery_id: 1}
    again = service.deliver(context, service.artifacts_of(job))
    assert (again.status, again.attempts) == ("delivered", 1)
    assert accepted(peer) == {context.delivery_id: 1}


def test_the_number_of_sweeper_retries_is_a_setting(peer: HttpPeer, monkeypatch: pytest.MonkeyPatch) -> None:
    job = stored_job("job-no-sweeper-retries")
    context, _record = failed_transiently(peer, job.jobId)
    aged(context.delivery_id, timedelta(minutes=16))
    monkeypatch.setenv("DELIVERY_RETRY_SWEEPS", "0")
    reset_settings()
    try:
        report = sweep_deliveries()
    finally:
        monkeypatch.delenv("DELIVERY_RETRY_SWEEPS")
        reset_settings()
    assert report.given_up == [context.delivery_id]
    assert len(peer.requests) == 1, "given up without another send"
    ended = records.get("acme", context.delivery_id)
    assert ended is not None
    assert (ended.status, ended.retryable) == ("failed", False)
