"""The AWS quotas and prices the capacity model uses: defaults as the AWS documentation gives them (docs/capacity.md
cites each), every one replaceable by the account's own figure."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Quotas(BaseModel):
    """Account quotas in one Region. Defaults: the largest Regions (us-east-1, us-west-2, eu-west-1 ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scheduler_invocations_per_s: float = Field(1000, gt=0)
    """EventBridge Scheduler "Invocations throttle limit": targets invoked per second."""
    start_execution_burst: float = Field(1300, gt=0)
    start_execution_per_s: float = Field(300, gt=0)
    """Step Functions Standard `StartExecution`: a token bucket of 1,300 refilled at 300/s (800 and 150 elsewhere)."""
    transitions_burst: float = Field(5000, gt=0)
    transitions_per_s: float = Field(1500, gt=0)
    """Step Functions Standard state transitions: 5,000 burst, 1,500 per second refill."""
    lambda_concurrency: int = Field(1000, gt=0)
    """Lambda concurrent executions of the account (all functions together)."""
    lambda_scale_per_10s: int = Field(1000, gt=0)
    """Lambda's scaling rate: each function gains at most this many execution environments every 10 seconds."""
    ses_per_s: float = Field(14, gt=0)
    """SES maximum send rate: the rate AWS granted the account (14/s is a common first production grant; 1/s in the
    sandbox)."""
    athena_active_queries: int = Field(25, gt=0)
    """Athena active DML queries (running and queued) per account; the figure varies by Region."""


class Prices(BaseModel):
    """Published on-demand prices in US dollars (us-east-1), free tiers left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standard_transition: float = 0.025 / 1000
    express_request: float = 1.0 / 1_000_000
    express_gb_second: float = 0.00001667
    lambda_request: float = 0.20 / 1_000_000
    lambda_gb_second: float = 0.0000166667
    ses_email: float = 0.10 / 1000
    s3_put: float = 0.005 / 1000
    s3_get: float = 0.0004 / 1000
    athena_per_tb: float = 5.0
    athena_minimum_bytes: int = 10 * 1024 * 1024
    scheduler_invocation: float = 1.0 / 1_000_000
