"""Subscriptions made through the API for tests: the clinical weekly of the small demo trial, mailed to recipients."""

from __future__ import annotations

from tests.support.api_client import ApiClient
from tests.support.pipeline import TRIAL

RECIPIENTS = ("alice@example.com", "carol@example.com")


def subscribe(api: ApiClient, name: str, formats: tuple[str, ...] = ("pdf", "csv")) -> str:
    """Creates the subscription (the small trial must exist: `small_trial()`); gives its id."""
    created = api.post(
        "/api/subscriptions",
        {
            "name": name,
            "reportType": "clinical_weekly",
            "filters": {"trialId": TRIAL, "fileTypes": ["txt"]},
            "formats": list(formats),
            "channels": [{"channel": "email", "recipients": list(RECIPIENTS)}],
        },
    )
    assert created.status == 201, created.body
    return str(created.json["subscriptionId"])
