"""The catalog's cross-references hold: every channel sender is catalogued and may write what the channels write."""

from __future__ import annotations

from shared import catalog
from shared.catalog.delivery import CHANNEL_GRANTS, CHANNEL_SENDERS
from shared.catalog.pipeline import SUBSCRIPTIONS


def test_every_channel_sender_holds_the_channel_grants() -> None:
    for name in CHANNEL_SENDERS:
        grants = catalog.function_named(name).grants
        assert set(CHANNEL_GRANTS) <= set(grants), name


def test_a_query_start_key_has_the_table_key_and_the_index_key() -> None:
    assert SUBSCRIPTIONS.start_key_types() == {"tenantId": "S", "subscriptionId": "S"}
    assert SUBSCRIPTIONS.start_key_types("owner-index") == {
        "tenantId": "S",
        "subscriptionId": "S",
        "ownerKey": "S",
        "createdAt": "S",
    }


def test_a_start_key_value_is_held_to_the_strictest_limit_of_its_roles() -> None:
    assert SUBSCRIPTIONS.start_key_max_bytes() == {"tenantId": 2048, "subscriptionId": 1024}
    assert SUBSCRIPTIONS.start_key_max_bytes("owner-index") == {
        "tenantId": 2048,
        "subscriptionId": 1024,
        "ownerKey": 2048,
        "createdAt": 1024,
    }
