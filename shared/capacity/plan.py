"""The capacity plan: the busiest minutes of the coming days, how long each takes to drain under the quotas, which
quota binds first, what to raise (or spread), and what 1,000 reports cost."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.capacity.cost import ReportCost, cost_of
from shared.capacity.profile import ReportProfile, Workload, profile_of
from shared.capacity.quotas import Prices, Quotas
from shared.capacity.simulation import Outcome, simulate
from shared.capacity.workload import Minute

QUOTA_FIELDS = {
    "scheduler-invocations": "scheduler_invocations_per_s",
    "start-execution": "start_execution_per_s",
    "state-transitions": "transitions_per_s",
    "ses-send-rate": "ses_per_s",
    "lambda-concurrency": "lambda_concurrency",
    "athena-queries": "athena_active_queries",
}
"""Each simulated quota and the `Quotas` field that sets it."""


def lower_bounds(profiles: Sequence[ReportProfile], quotas: Quotas, share_queries: bool) -> dict[str, float]:
    """Seconds each quota alone needs to pass a spike of `profiles` all due at once (no other quota binding)."""
    reports = len(profiles)
    transitions = sum(p.transitions for p in profiles)
    emails = sum(p.emails for p in profiles)
    lambda_seconds = sum(step.seconds * step.parallel for p in profiles for step in p.steps) + sum(
        p.query_seconds for p in profiles if p.query_key is not None
    )
    keys = [p.query_key for p in profiles if p.query_key is not None]
    queries = len(set(keys)) if share_queries else len(keys)
    query_seconds = max((p.query_seconds for p in profiles if p.query_key is not None), default=0.0)
    return {
        "scheduler-invocations": max(0.0, reports - quotas.scheduler_invocations_per_s)
        / quotas.scheduler_invocations_per_s,
        "start-execution": max(0.0, reports - quotas.start_execution_burst) / quotas.start_execution_per_s,
        "state-transitions": max(0.0, transitions - quotas.transitions_burst) / quotas.transitions_per_s,
        "ses-send-rate": max(0.0, emails - quotas.ses_per_s) / quotas.ses_per_s,
        "lambda-concurrency": lambda_seconds / quotas.lambda_concurrency,
        "athena-queries": math.ceil(queries / quotas.athena_active_queries) * query_seconds,
    }


def needed(bound: str, seconds: float, target_s: float, quotas: Quotas) -> float:
    """The value of the quota behind `bound` that brings its lower bound from `seconds` down to `target_s`."""
    current = float(getattr(quotas, QUOTA_FIELDS[bound]))
    return current * seconds / target_s if seconds > target_s else current


@dataclass
class Peak:
    minute: Minute
    outcome: Outcome
    bounds: dict[str, float]
    advice: list[str] = field(default_factory=list)

    @property
    def bottleneck(self) -> str:
        """The quota whose own lower bound is the longest: the one to raise first."""
        return max(self.bounds, key=self.bounds.__getitem__)


def plan_peak(
    minute: Minute,
    quotas: Quotas,
    target_s: float,
    share_queries: bool = False,
    profiles: dict[Workload, ReportProfile] | None = None,
) -> Peak:
    """Simulate one due minute and say what keeps it from draining within `target_s`."""
    cache = profiles if profiles is not None else {}
    for workload in set(minute.workloads) - cache.keys():
        cache[workload] = profile_of(workload)
    run = [cache[w] for w in minute.workloads]
    outcome = simulate(((0.0, p) for p in run), quotas, share_queries=share_queries)
    bounds = lower_bounds(run, quotas, share_queries)
    peak = Peak(minute, outcome, bounds)
    if outcome.drained_s > target_s:
        for name, seconds in sorted(bounds.items(), key=lambda item: -item[1]):
            if seconds > target_s:
                value = needed(name, seconds, target_s, quotas)
                peak.advice.append(f"raise {QUOTA_FIELDS[name]} to at least {math.ceil(value):,} ({name})")
        window = math.ceil(outcome.drained_s / 60)
        peak.advice.append(
            f"or let the schedules due then run over {window} minutes (Scheduler FlexibleTimeWindow "
            f"MaximumWindowInMinutes={window}), so throttles are met by spreading instead of retries"
        )
        if not share_queries and any(p.query_key for p in run):
            peak.advice.append("share one Athena query among reports that run the same query (--share-queries)")
    return peak


def average_cost(workloads: Sequence[Workload], prices: Prices, share_queries: bool = False) -> ReportCost:
    """The mean cost of one run over `workloads` (each counted as often as it appears)."""
    if not workloads:
        return cost_of(profile_of(Workload()), prices)
    sharing = Counter(w.query_key for w in workloads if w.query_key is not None)
    costs = [
        cost_of(profile_of(w), prices, sharing[w.query_key] if share_queries and w.query_key else 1) for w in workloads
    ]
    fields = vars(costs[0]).keys()
    return ReportCost(**{name: sum(getattr(c, name) for c in costs) / len(costs) for name in fields})


def express_children_cost(
    standard: ReportCost, profile: ReportProfile, prices: Prices, batch: int = 1000
) -> ReportCost:
    """The same run as an Express child of one Standard parent per tick (a Distributed Map over the tick's reports):
    the parent's few transitions are shared by `batch` reports; the child pays Express requests and duration."""
    seconds = sum(step.seconds for step in profile.steps)
    express = prices.express_request + seconds * 0.0625 * prices.express_gb_second
    parent = 6 * prices.standard_transition / batch
    return ReportCost(
        transitions=parent + express,
        lambda_requests=standard.lambda_requests,
        lambda_duration=standard.lambda_duration,
        emails=standard.emails,
        s3=standard.s3,
        athena=standard.athena,
        scheduler=standard.scheduler / batch,
    )
