"""The capacity model against cases computed by hand: each quota alone, then the pipeline's profile and cost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.capacity.cost import cost_of
from shared.capacity.plan import lower_bounds, plan_peak
from shared.capacity.profile import ReportProfile, Step, Workload, profile_of
from shared.capacity.quotas import Prices, Quotas
from shared.capacity.simulation import TokenBucket, simulate
from shared.capacity.workload import Minute, Subscribed, due_minutes, peaks

UNLIMITED = Quotas(
    scheduler_invocations_per_s=1e9,
    start_execution_burst=1e9,
    start_execution_per_s=1e9,
    transitions_burst=1e9,
    transitions_per_s=1e9,
    lambda_concurrency=10**9,
    lambda_scale_per_10s=10**9,
    ses_per_s=1e9,
    athena_active_queries=10**9,
)
NOTHING = ReportProfile(steps=(), transitions=0, deliveries=0, emails=0)


def one_step(seconds: float, *, emails: int = 0, parallel: int = 1, query: str | None = None) -> ReportProfile:
    step = Step("Work", "pipeline-render", 1024, seconds, parallel=parallel, emails=emails, query=query is not None)
    return ReportProfile(steps=(step,), transitions=parallel, deliveries=parallel, emails=emails, query_key=query)


def at_once(profile: ReportProfile, count: int) -> list[tuple[float, ReportProfile]]:
    return [(0.0, profile)] * count


def test_a_token_bucket_gives_its_burst_at_once_then_its_rate() -> None:
    bucket = TokenBucket(rate=300, burst=1300)
    times = [bucket.take(0.0) for _ in range(50_000)]
    assert times[1299] == 0.0
    assert times[1300] == pytest.approx(1 / 300)
    assert times[-1] == pytest.approx((50_000 - 1300) / 300)


def test_start_execution_alone_drains_fifty_thousand_in_its_refill_time() -> None:
    quotas = UNLIMITED.model_copy(update={"start_execution_burst": 1300, "start_execution_per_s": 300})
    outcome = simulate(at_once(NOTHING, 50_000), quotas)
    assert outcome.drained_s == pytest.approx(162.333, abs=0.01)
    assert outcome.bottleneck == "start-execution"


def test_lambda_concurrency_runs_reports_in_waves() -> None:
    quotas = UNLIMITED.model_copy(update={"lambda_concurrency": 10})
    outcome = simulate(at_once(one_step(1.0), 100), quotas)
    assert outcome.drained_s == pytest.approx(10.0)
    assert outcome.bottleneck == "lambda-concurrency"


def test_lambda_scaling_adds_environments_every_ten_seconds() -> None:
    quotas = UNLIMITED.model_copy(update={"lambda_concurrency": 3000, "lambda_scale_per_10s": 1000})
    assert simulate(at_once(one_step(20.0), 3000), quotas, functions=1).drained_s == pytest.approx(40.0)
    fixed = quotas.model_copy(update={"lambda_scale_per_10s": 1000, "lambda_concurrency": 1000})
    assert simulate(at_once(one_step(20.0), 3000), fixed, functions=1).drained_s == pytest.approx(60.0)


def test_ses_paces_the_emails_after_its_first_second() -> None:
    quotas = UNLIMITED.model_copy(update={"ses_per_s": 14})
    outcome = simulate(at_once(one_step(0.0, emails=1), 1400), quotas)
    assert outcome.drained_s == pytest.approx((1400 - 14) / 14)
    assert outcome.bottleneck == "ses-send-rate"


def test_a_map_sends_each_recipient_once_at_the_ses_rate() -> None:
    quotas = UNLIMITED.model_copy(update={"ses_per_s": 10})
    outcome = simulate(at_once(one_step(0.5, emails=3, parallel=5), 10), quotas)
    assert outcome.drained_s == pytest.approx((30 - 10) / 10 + 0.5)


def test_state_transitions_drain_after_the_burst_at_the_refill_rate() -> None:
    quotas = UNLIMITED.model_copy(update={"transitions_burst": 5000, "transitions_per_s": 1500})
    profile = ReportProfile(steps=(), transitions=10, deliveries=0, emails=0)
    assert simulate(at_once(profile, 1000), quotas).drained_s == pytest.approx(5000 / 1500)


def test_athena_runs_distinct_queries_in_waves_and_a_shared_query_once() -> None:
    quotas = UNLIMITED.model_copy(update={"athena_active_queries": 25})
    profile = one_step(0.0, query="acme/usage-summary/{}")
    apart = simulate(at_once(profile, 250), quotas)
    shared = simulate(at_once(profile, 250), quotas, share_queries=True)
    assert apart.drained_s == pytest.approx(30.0)
    assert apart.queries == 250
    assert shared.drained_s == pytest.approx(3.0)
    assert shared.queries == 1


def test_the_profile_counts_every_state_entered_and_each_lambda_step() -> None:
    definition = {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "${StartFunctionArn}"},
                "Next": "Deliver",
            },
            "Deliver": {
                "Type": "Map",
                "ItemsPath": "$.deliveries",
                "ItemProcessor": {
                    "StartAt": "DeliverOne",
                    "States": {
                        "DeliverOne": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::lambda:invoke",
                            "Parameters": {"FunctionName": "${DeliverFunctionArn}"},
                            "End": True,
                        }
                    },
                },
                "Next": "Done?",
            },
            "Done?": {"Type": "Choice", "Choices": [], "Default": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
    profile = profile_of(Workload(("pdf", "csv"), (("email", 2), ("webhook", 1))), definition)
    assert profile.transitions == 1 + 1 + 3 + 1 + 1
    assert [(s.state, s.function, s.parallel, s.emails) for s in profile.steps] == [
        ("Start", "pipeline-start", 1, 0),
        ("DeliverOne", "pipeline-deliver", 3, 2),
    ]
    assert profile.lambda_invocations == 4


def test_the_project_pipeline_profile_has_a_lambda_step_per_task() -> None:
    profile = profile_of(Workload())
    assert {"Fetch", "Render", "DeliverOne"} <= {step.state for step in profile.steps}
    assert profile.transitions >= len(profile.steps)


def test_cost_adds_transitions_lambda_email_s3_and_the_athena_minimum() -> None:
    prices = Prices()
    step = Step("Render", "pipeline-render", 2048, 2.0)
    profile = ReportProfile((step,), transitions=8, deliveries=1, emails=1, query_key="q", query_bytes=1, s3_puts=3)
    cost = cost_of(profile, prices)
    assert cost.transitions == pytest.approx(8 * 0.025 / 1000)
    assert cost.lambda_duration == pytest.approx(4.0 * 0.0000166667)
    assert cost.lambda_requests == pytest.approx(0.20 / 1_000_000)
    assert cost.emails == pytest.approx(0.0001)
    assert cost.s3 == pytest.approx(3 * 0.005 / 1000)
    assert cost.athena == pytest.approx(10 / 1024 / 1024 * 5)
    assert cost_of(profile, prices, shared_by=10).athena == pytest.approx(cost.athena / 10)


def test_due_minutes_follow_the_local_time_across_a_dst_change() -> None:
    weekly = Subscribed("0 9 * * 1", "America/New_York", Workload())
    daily = Subscribed("30 8 * * *", "Europe/London", Workload(channels=(("email", 2),)))
    minutes = due_minutes([weekly, weekly, daily], datetime(2026, 3, 1, tzinfo=UTC), days=14)
    mondays = [m for m in minutes if m.start.minute == 0]
    assert [(m.start, m.reports) for m in mondays] == [
        (datetime(2026, 3, 2, 14, 0, tzinfo=UTC), 2),
        (datetime(2026, 3, 9, 13, 0, tzinfo=UTC), 2),
    ]
    londons = [m for m in minutes if m.start.minute == 30]
    assert len(londons) == 14
    assert all(m.deliveries == 2 for m in londons)
    assert peaks(minutes, 1)[0].start == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def scaled(quotas: Quotas, factor: float) -> Quotas:
    """Every rate, burst and count of `quotas` times `factor`: N reports then drain as N * factor would unscaled."""
    return Quotas.model_validate({name: value * factor for name, value in quotas.model_dump().items()})


def test_a_spike_drains_alike_when_reports_and_every_quota_scale_together() -> None:
    profile = profile_of(Workload(channels=(("email", 2),)))
    quotas = Quotas(ses_per_s=40, lambda_concurrency=200, start_execution_burst=300, transitions_burst=1000)
    whole = simulate(at_once(profile, 4000), quotas)
    fifth = simulate(at_once(profile, 800), scaled(quotas, 0.2))
    assert fifth.drained_s == pytest.approx(whole.drained_s, rel=0.01)


def test_fifty_thousand_weekly_pdfs_drain_within_fifteen_minutes_at_a_granted_ses_rate() -> None:
    """50,000 due at one minute, simulated as 10,000 against a fifth of each quota (the same drain, see above)."""
    minute = Minute(datetime(2026, 12, 7, 14, tzinfo=UTC), (Workload(),) * 10_000)
    peak = plan_peak(minute, scaled(Quotas(ses_per_s=100), 0.2), target_s=15 * 60)
    assert peak.outcome.drained_s < 15 * 60
    assert peak.bottleneck == "ses-send-rate"
    assert peak.advice == []
    slow = plan_peak(minute, scaled(Quotas(), 0.2), target_s=15 * 60)
    assert slow.outcome.drained_s > 50 * 60
    assert slow.advice[0] == "raise ses_per_s to at least 12 (ses-send-rate)"


def test_lower_bounds_never_exceed_the_simulated_drain() -> None:
    profiles = [profile_of(Workload(("pdf",), (("email", 2),), f"acme/r/{n % 7}")) for n in range(3000)]
    quotas = Quotas(ses_per_s=50, athena_active_queries=5)
    outcome = simulate(((0.0, p) for p in profiles), quotas)
    bounds = lower_bounds(profiles, quotas, share_queries=False)
    assert max(bounds.values()) <= outcome.drained_s + 1e-6
