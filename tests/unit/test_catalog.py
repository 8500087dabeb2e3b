"""The catalog's cross-references hold: every channel sender is catalogued and may write what the channels write."""

from __future__ import annotations

from shared import catalog
from shared.catalog.delivery import CHANNEL_GRANTS, CHANNEL_SENDERS


def test_every_channel_sender_holds_the_channel_grants() -> None:
    for name in CHANNEL_SENDERS:
        grants = catalog.function_named(name).grants
        assert set(CHANNEL_GRANTS) <= set(grants), name
