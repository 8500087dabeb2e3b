"""The retry layers of one delivery and their worst case, each bounded by the function that runs it.

Layer 1, in process (a short transient of the peer): the HTTP channels' `RetryPolicy`, the SDK's standard retries of
the send client (`shared.aws.send_client`). Their worst case must fit `SEND_BUDGET_S`: the timeout of the functions
that send (Deliver, the delivery worker) less a margin for the claim, the artifact reads and the records.
Layer 2, Step Functions (the step): DeliverOne's Retry re-invokes the function on `TransientError` and Lambda service
errors; each invocation is bounded by the function's timeout. Layer 3, the sweeper: only what neither can see (a
delivery left `created` or `sending` by a lost invocation). docs/delivery.md has the table."""

from __future__ import annotations

from dataclasses import dataclass

from shared.catalog.delivery import DELIVERY_WORKER
from shared.catalog.pipeline import PIPELINE_DELIVER

SEND_MARGIN_S = 30
"""Kept free in each invocation for the claim, artifact reads, the record's outcome and the stats."""
SEND_BUDGET_S = min(PIPELINE_DELIVER.timeout_s, DELIVERY_WORKER.timeout_s) - SEND_MARGIN_S
"""The longest one send may take in process, retries and waits included."""

UNCAPPED_S = 1e9
SEND_CLIENT_ATTEMPTS = 3
SEND_CLIENT_CONNECT_TIMEOUT_S = 5
SEND_CLIENT_READ_TIMEOUT_S = 15
SDK_MAX_BACKOFF_S = 20.0
"""botocore's standard mode: the wait before retry n is random(0, 1) x 2^(n-1), at most 20 s."""


def sdk_worst_case_s(
    attempts: int = SEND_CLIENT_ATTEMPTS,
    connect_s: float = SEND_CLIENT_CONNECT_TIMEOUT_S,
    read_s: float = SEND_CLIENT_READ_TIMEOUT_S,
) -> float:
    """The longest one SDK call of the send client takes: every attempt times out connecting then reading."""
    waits = sum(min(SDK_MAX_BACKOFF_S, 2.0 ** (n - 1)) for n in range(1, attempts))
    return attempts * (connect_s + read_s) + waits


@dataclass(frozen=True)
class StepRetry:
    """One Retry entry of the ASL (identical on every task)."""

    interval_s: float
    max_attempts: int
    backoff_rate: float
    max_delay_s: float

    def waits_s(self) -> float:
        """The longest total wait between the invocations this entry adds (full jitter never waits longer)."""
        return sum(min(self.max_delay_s, self.interval_s * self.backoff_rate**n) for n in range(self.max_attempts))


def transient_step_retry() -> StepRetry:
    """DeliverOne's Retry on `TransientError`, read from the ASL file itself."""
    from shared.pipeline.definition import document

    retry = document()["States"]["Deliver"]["ItemProcessor"]["States"]["DeliverOne"]["Retry"]
    entry = next(r for r in retry if r["ErrorEquals"] == ["TransientError"])
    return StepRetry(
        interval_s=float(entry["IntervalSeconds"]),
        max_attempts=int(entry["MaxAttempts"]),
        backoff_rate=float(entry["BackoffRate"]),
        max_delay_s=float(entry.get("MaxDelaySeconds", UNCAPPED_S)),
    )
