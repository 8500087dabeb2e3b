"""Demo data for the report pipeline: a clinical trial for tenant `acme` and two subscriptions to its weekly report."""

from __future__ import annotations

from typing import TextIO

from shared.api.caller import Caller
from shared.subscriptions import logic
from shared.subscriptions.models import ChannelSpec, ReportFilters, Schedule, SubscriptionCreate
from shared.trials.generator import generate_trial

TENANT = "acme"
TRIAL = "CARDIO-22"


def load_trials(stream: TextIO) -> str:
    print(f"    generating trial {TRIAL} for tenant {TENANT} ...", file=stream, flush=True)
    summary = generate_trial(TENANT, TRIAL, members=("alice", "demo-admin"))
    print(f"    {summary.line()}", file=stream, flush=True)
    alice = Caller(sub="alice", tenant=TENANT, roles=("user",), email="alice@example.com")
    admin = Caller(sub="demo-admin", tenant=TENANT, roles=("admin",), email="admin@example.com")
    weekly = logic.create(
        alice,
        SubscriptionCreate(
            reportType="clinical_weekly",
            filters=ReportFilters(trialId=TRIAL),
            schedule=Schedule(cron="0 9 * * 1", timezone="America/New_York"),
        ),
    )
    daily = logic.create(
        admin,
        SubscriptionCreate(
            name="CARDIO-22 daily data export",
            reportType="clinical_weekly",
            filters=ReportFilters(trialId=TRIAL, dateRange="last_7_days", fileTypes=["txt"]),
            formats=["csv", "xlsx"],
            channels=[ChannelSpec(channel="email", recipients=["admin@example.com", "data-team@example.com"])],
            schedule=Schedule(cron="0 7 * * *", timezone="Europe/London"),
        ),
    )
    return f"{summary.line()}; subscriptions {weekly.subscriptionId} (weekly PDF), {daily.subscriptionId} (daily data)"
