"""The worst case of one delivery's retries, computed from the settings actually in force, fits the functions that
send (issue 14 item 3): in process within `SEND_BUDGET_S`, each Step Functions attempt within the Deliver function's
timeout from the catalog."""

from __future__ import annotations

import pytest

from shared.aws import _SEND_CONFIG
from shared.catalog.delivery import DELIVERY_WORKER
from shared.catalog.pipeline import PIPELINE_DELIVER
from shared.delivery.channels.http_post import RetryPolicy
from shared.delivery.retry_budget import (
    SEND_BUDGET_S,
    SEND_CLIENT_ATTEMPTS,
    SEND_CLIENT_CONNECT_TIMEOUT_S,
    SEND_CLIENT_READ_TIMEOUT_S,
    sdk_worst_case_s,
    transient_step_retry,
)


def test_the_send_budget_leaves_a_margin_inside_every_sending_function() -> None:
    assert PIPELINE_DELIVER.timeout_s > SEND_BUDGET_S
    assert DELIVERY_WORKER.timeout_s > SEND_BUDGET_S


def test_the_http_channels_default_policy_fits_and_matches_the_documented_figures() -> None:
    policy = RetryPolicy()
    assert policy.worst_case_s() == 3 * 2 * 8 + 20 + 20 == 88
    assert policy.worst_case_s() <= SEND_BUDGET_S < PIPELINE_DELIVER.timeout_s


@pytest.mark.parametrize(
    "settings",
    [{"max_attempts": 10}, {"timeout_s": 30}, {"max_attempts": 4, "max_retry_after_s": 60}, {"timeout_s": 16}],
)
def test_caller_chosen_settings_beyond_the_budget_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=f"beyond the {SEND_BUDGET_S} s"):
        RetryPolicy.model_validate(settings)


def test_the_largest_accepted_settings_still_fit() -> None:
    policy = RetryPolicy(max_attempts=10, timeout_s=2, backoff_base_s=0.5, backoff_max_s=4, max_retry_after_s=4)
    assert policy.worst_case_s() <= SEND_BUDGET_S


def test_the_send_client_matches_its_budget_figures() -> None:
    retries = _SEND_CONFIG.retries or {}
    assert retries["mode"] == "standard"
    assert retries["total_max_attempts"] == SEND_CLIENT_ATTEMPTS, "the first try included"
    assert _SEND_CONFIG.connect_timeout == SEND_CLIENT_CONNECT_TIMEOUT_S
    assert _SEND_CONFIG.read_timeout == SEND_CLIENT_READ_TIMEOUT_S
    assert sdk_worst_case_s() == 3 * (5 + 15) + 1 + 2 == 63
    assert sdk_worst_case_s() <= SEND_BUDGET_S


def test_the_whole_delivery_worst_case_per_channel() -> None:
    """Step Functions re-invokes Deliver on TransientError: each invocation is bounded by the function's timeout, so
    the worst case of a delivery is (1 + MaxAttempts) invocations plus the ASL's waits; the sweeper adds none."""
    step = transient_step_retry()
    invocations = 1 + step.max_attempts
    assert invocations == 3
    assert step.waits_s() == 2 + 4
    webhook = invocations * RetryPolicy().worst_case_s() + step.waits_s()
    email = invocations * sdk_worst_case_s() + step.waits_s()
    assert (invocations * RetryPolicy().max_attempts, webhook) == (9, 270)
    assert (invocations * SEND_CLIENT_ATTEMPTS, email) == (9, 195)
    assert invocations * PIPELINE_DELIVER.timeout_s + step.waits_s() < 3600, "within the state machine's timeout"
