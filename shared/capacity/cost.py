"""What one report run costs at published prices: state transitions, Lambda requests and GB-seconds, emails, S3
requests, Athena bytes (with its 10 MB minimum) and the Scheduler invocation."""

from __future__ import annotations

from dataclasses import dataclass

from shared.capacity.profile import ReportProfile
from shared.capacity.quotas import Prices


@dataclass(frozen=True)
class ReportCost:
    """Dollars per report run, by what it used."""

    transitions: float
    lambda_requests: float
    lambda_duration: float
    emails: float
    s3: float
    athena: float
    scheduler: float

    @property
    def total(self) -> float:
        return (
            self.transitions
            + self.lambda_requests
            + self.lambda_duration
            + self.emails
            + self.s3
            + self.athena
            + self.scheduler
        )

    def per_thousand(self) -> dict[str, float]:
        parts = {name: 1000 * value for name, value in vars(self).items()}
        return {**parts, "total": 1000 * self.total}


def cost_of(profile: ReportProfile, prices: Prices, shared_by: int = 1) -> ReportCost:
    """The cost of one run; an Athena query shared by `shared_by` reports is split between them."""
    athena = 0.0
    if profile.query_key is not None:
        scanned = max(profile.query_bytes, prices.athena_minimum_bytes)
        athena = scanned / 1024**4 * prices.athena_per_tb / max(1, shared_by)
    return ReportCost(
        transitions=profile.transitions * prices.standard_transition,
        lambda_requests=profile.lambda_invocations * prices.lambda_request,
        lambda_duration=profile.lambda_gb_seconds() * prices.lambda_gb_second,
        emails=profile.emails * prices.ses_email,
        s3=profile.s3_puts * prices.s3_put + profile.s3_gets * prices.s3_get,
        athena=athena,
        scheduler=prices.scheduler_invocation,
    )
