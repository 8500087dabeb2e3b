"""SES identities: ask SES to verify addresses (the sender; in the sandbox every recipient too) and say where each
stands, and whether the account is still in the SES sandbox."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client

SANDBOX_DAILY_QUOTA = 200.0
"""A sandboxed SES account may send 200 messages a day, only to verified addresses; production access lifts both."""


def in_sandbox() -> bool | None:
    """Whether the account's SES is in the sandbox (None: SES did not say)."""
    try:
        return not bool(client("sesv2").get_account().get("ProductionAccessEnabled", False))
    except (BotoCoreError, ClientError):
        try:
            return float(client("ses").get_send_quota()["Max24HourSend"]) <= SANDBOX_DAILY_QUOTA
        except (BotoCoreError, ClientError):
            return None


def verify_identities(addresses: list[str]) -> list[str]:
    """Start verification of each address not yet verified (SES emails it a link); one line per address."""
    ses = client("ses")
    status = ses.get_identity_verification_attributes(Identities=addresses)["VerificationAttributes"]
    lines = []
    for address in addresses:
        current = status.get(address, {}).get("VerificationStatus", "NotStarted")
        if current == "Success":
            lines.append(f"{address}: verified")
            continue
        ses.verify_email_identity(EmailAddress=address)
        lines.append(f"{address}: {current}; SES has emailed a verification link to it (follow it to verify)")
    sandbox = in_sandbox()
    if sandbox:
        lines.append(
            "SES is in the sandbox here: mail goes only to verified addresses, 200 a day, 1 a second. "
            "Request production access (SES console, Account dashboard) to send to anyone."
        )
    elif sandbox is False:
        lines.append("SES has production access here: any recipient can be reached.")
    return lines
