"""The local scheduler fires the schedules stored in the local EventBridge Scheduler from the same cron + timezone
maths; a slot fired twice makes one job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from local.runtime import LocalRuntime
from local.scheduler import due_slots, fire_due_schedules
from shared import clock
from shared.jobs import logic as jobs
from shared.subscriptions.scheduler import describe_schedule
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import TRIAL, executions, report_mail_to, small_trial, wait_for_executions


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


def _subscribe(api: ApiClient, cron: str, timezone: str) -> str:
    reply = api.post(
        "/api/subscriptions", {"filters": {"trialId": TRIAL}, "schedule": {"cron": cron, "timezone": timezone}}
    )
    assert reply.status == 201, reply.body
    return str(reply.json["subscriptionId"])


def test_a_slot_fired_twice_makes_one_job_and_one_email(alice: ApiClient) -> None:
    subscription_id = _subscribe(alice, "0 9 * * 1", "America/New_York")
    since = datetime(2026, 11, 23, 13, 59, tzinfo=UTC)
    until = datetime(2026, 11, 23, 14, 1, tzinfo=UTC)
    fired = fire_due_schedules(since, until)
    assert [(name, moment.astimezone(UTC)) for name, moment in fired] == [
        (f"sub-{subscription_id}", datetime(2026, 11, 23, 14, tzinfo=UTC))
    ]
    assert len(fire_due_schedules(since, until)) == 1
    runs = wait_for_executions()
    assert len(runs) == 2
    assert {r["status"] for r in runs} == {"SUCCEEDED"}
    page = alice.get(f"/api/subscriptions/{subscription_id}/jobs").json
    assert len(page["items"]) == 1
    (job,) = page["items"]
    assert job["jobId"] == jobs.job_id_for(subscription_id, "2026-11-23T14:00:00Z")
    assert job["status"] == "completed"
    assert job["scheduledFor"] == "2026-11-23T14:00:00.000Z"
    assert len(report_mail_to("alice@example.com")) == 1


def test_nothing_fires_outside_the_slot_or_when_paused(alice: ApiClient) -> None:
    subscription_id = _subscribe(alice, "0 9 * * 1", "Europe/London")
    assert fire_due_schedules(datetime(2026, 11, 23, 9, 1, tzinfo=UTC), datetime(2026, 11, 30, 8, 59, tzinfo=UTC)) == []
    alice.patch(f"/api/subscriptions/{subscription_id}", {"status": "paused"})
    assert fire_due_schedules(datetime(2026, 11, 23, 8, 59, tzinfo=UTC), datetime(2026, 11, 23, 9, 1, tzinfo=UTC)) == []
    assert executions() == []


@pytest.mark.parametrize(
    ("timezone", "since", "expected_utc"),
    [
        ("America/New_York", datetime(2026, 3, 1, tzinfo=UTC), ["2026-03-02 14:00", "2026-03-09 13:00"]),
        ("America/New_York", datetime(2026, 10, 25, tzinfo=UTC), ["2026-10-26 13:00", "2026-11-02 14:00"]),
        ("Europe/London", datetime(2026, 3, 22, tzinfo=UTC), ["2026-03-23 09:00", "2026-03-30 08:00"]),
        ("Europe/London", datetime(2026, 10, 18, tzinfo=UTC), ["2026-10-19 08:00", "2026-10-26 09:00"]),
    ],
)
def test_stored_schedules_fire_at_local_nine_across_dst_weeks(
    alice: ApiClient, timezone: str, since: datetime, expected_utc: list[str]
) -> None:
    schedule = describe_schedule(_subscribe(alice, "0 9 * * 1", timezone))
    assert schedule is not None
    slots = due_slots(schedule, since, since + timedelta(days=14))
    assert [s.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for s in slots] == expected_utc
    assert all(s.hour == 9 for s in slots)


def test_the_clockwork_ticker_list_includes_the_scheduler(clean: LocalRuntime) -> None:
    assert fire_due_schedules in clean.tickers
    clock.set_now(None)
