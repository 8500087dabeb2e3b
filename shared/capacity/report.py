"""The capacity plan as text, for `python -m local capacity`."""

from __future__ import annotations

from collections.abc import Sequence

from shared.capacity.cost import ReportCost
from shared.capacity.plan import Peak
from shared.capacity.quotas import Quotas
from shared.capacity.workload import Minute


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def describe(
    minutes: Sequence[Minute],
    peaks: Sequence[Peak],
    quotas: Quotas,
    target_s: float,
    days: int,
    cost: ReportCost,
    express: ReportCost,
) -> list[str]:
    reports = sum(m.reports for m in minutes)
    deliveries = sum(m.deliveries for m in minutes)
    lines = [
        f"next {days} days: {reports:,} reports and {deliveries:,} deliveries due in {len(minutes):,} minutes",
        "quotas: " + ", ".join(f"{name}={value:g}" for name, value in quotas.model_dump().items()),
        "",
    ]
    for peak in peaks:
        minute = peak.minute
        verdict = "within" if peak.outcome.drained_s <= target_s else "OVER"
        lines.append(
            f"{minute.start:%Y-%m-%d %H:%M} UTC: {minute.reports:,} reports, {minute.deliveries:,} deliveries; "
            f"drained in {_minutes(peak.outcome.drained_s)} ({verdict} the {_minutes(target_s)} target); "
            f"first bottleneck: {peak.bottleneck}"
        )
        bounds = ", ".join(f"{name} {_minutes(seconds)}" for name, seconds in peak.bounds.items() if seconds > 0)
        lines.append(f"    each quota alone: {bounds or 'none binds'}")
        lines += [f"    {line}" for line in peak.advice]
    lines.append("")
    lines.append("cost per 1,000 reports (US$, published on-demand prices, free tiers left out):")
    for label, value in (
        ("today's design (one Standard execution per report)", cost),
        ("Express children of one Standard parent per tick (not built)", express),
    ):
        parts = value.per_thousand()
        detail = ", ".join(f"{name} {amount:.3f}" for name, amount in parts.items() if name != "total")
        lines.append(f"    {label}: {parts['total']:.3f} ({detail})")
    return lines
