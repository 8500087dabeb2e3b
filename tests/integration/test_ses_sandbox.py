"""SES for real: in a sandboxed account a send to an unverified address is refused; the delivery ends `failed` with
SES's reason, shown by the API; `verify-email` verifies the address and the next run is delivered."""

from __future__ import annotations

import pytest

from local.__main__ import main
from local.runtime import LocalRuntime
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import small_trial, wait_for_job

ADDRESS = "alice@unverified.acme.test"


def test_a_send_refused_by_ses_fails_the_delivery_with_its_reason_until_the_address_is_verified(
    clean: LocalRuntime, token: TokenFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOCAL_SES_SANDBOX", "1")
    small_trial()
    alice = ApiClient(clean.url, token=token(sub="alice", role="user", email=ADDRESS))
    subscription = alice.post("/api/subscriptions", {"reportType": "weekly"}).json["subscriptionId"]

    refused = wait_for_job(alice, alice.post(f"/api/subscriptions/{subscription}/run").json["jobId"])

    (delivery,) = refused["deliveries"]
    assert delivery["status"] == "failed", delivery
    assert "MessageRejected" in delivery["lastError"]
    assert (
        f"Email address is not verified. The following identities failed the check in region US-EAST-1: {ADDRESS}"
        in (delivery["lastError"])
    )
    assert delivery["externalId"] is None

    assert main(["verify-email", ADDRESS]) == 0
    assert f"{ADDRESS}: " in capsys.readouterr().out
    assert main(["verify-email", ADDRESS]) == 0
    assert f"{ADDRESS}: verified" in capsys.readouterr().out

    delivered = wait_for_job(alice, alice.post(f"/api/subscriptions/{subscription}/run").json["jobId"])
    (delivery,) = delivered["deliveries"]
    assert delivery["status"] == "delivered", delivery
    assert delivery["externalId"]
