"""DynamoDB items to and from plain Python, paging cursors, and telling a lost conditional write from other errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from shared.catalog.model import Key
from shared.catalog.model import Table as CatalogTable
from shared.catalog.pipeline import SUBSCRIPTIONS
from shared.errors import InvalidInput
from shared.items import (
    NOT_OURS,
    conditional_check_failed,
    cursors_for,
    decode_base64url,
    decode_cursor,
    decode_token,
    encode_base64url,
    encode_cursor,
    encode_token,
    from_item,
    start_key,
    to_item,
)


def test_numbers_come_back_as_int_or_float_at_any_depth() -> None:
    item = {"n": Decimal("3"), "x": Decimal("2.5"), "m": {"l": [Decimal("0"), Decimal("-1.25"), "s"]}, "b": True}
    plain = from_item(item)
    assert plain == {"n": 3, "x": 2.5, "m": {"l": [0, -1.25, "s"]}, "b": True}
    assert [type(v) for v in (plain["n"], plain["x"], *plain["m"]["l"][:2])] == [int, float, int, float]


def test_floats_go_in_as_decimal_and_none_values_are_dropped() -> None:
    assert to_item({"x": 0.1, "gone": None, "l": [1.5, None], "t": (2,)}) == {
        "x": Decimal("0.1"),
        "l": [Decimal("1.5"), None],
        "t": [2],
    }


def test_a_cursor_gives_back_its_key_and_a_foreign_one_is_refused() -> None:
    key = {"tenantId": "t-1", "createdAt": Decimal("1700000000")}
    cursor = encode_cursor(key)
    assert cursor is not None
    assert "=" not in cursor
    assert decode_cursor(cursor) == key
    assert (encode_cursor(None), decode_cursor(None)) == (None, None)
    for foreign in ("%%%", "WzFd", encode_cursor({"k": [1]})):  # not base64 JSON; a list; a key of a list
        with pytest.raises(InvalidInput, match="not one this API gave out"):
            decode_cursor(foreign)


def test_a_token_gives_back_its_json_value_and_is_url_safe_without_padding() -> None:
    for value in ({"after": "2026-01-01T00:00:00Z#d-1", "n": 3}, ["x", None, 1.5, True], "é ü ✓", 0, None, {}):
        token = encode_token(value)
        assert decode_token(token) == value
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), token
    first, second = encode_token({"b": 1, "a": 2}), encode_token({"a": 2, "b": 1})
    assert first != second, "sealed with a fresh nonce each time: equal values do not show as equal texts"
    assert decode_token(first) == decode_token(second) == {"a": 2, "b": 1}
    assert b"after" not in decode_base64url(encode_token({"after": "x"})), "a sealed cursor shows nothing"
    with cursors_for("acme", "bob"), pytest.raises(InvalidInput):
        decode_token(first)
    padded = encode_base64url(b"ab")
    assert (padded, decode_base64url(padded), decode_base64url(padded + "==")) == ("YWI", b"ab", b"ab")
    assert decode_token(encode_token({"o": 5}) + "=") == {"o": 5}  # a padded token still reads


@pytest.mark.parametrize(
    "garbage",
    [
        "%%%",  # not base64 at all
        "garbage!",  # base64 letters and one that is not
        "Ij8+Ig",  # standard (not URL-safe) base64 of the JSON "?>"
        "Ij8/Ig==",  # and of "??"
        "A",  # a length no base64 has
        encode_base64url(b"not json"),
        encode_base64url(b"\xff\xfe{"),  # not UTF-8
        encode_base64url(b"[" * 5000),  # nested deeper than the parser recurses
        "ZWgé",  # not ASCII
    ],
)
def test_a_token_that_is_not_base64url_json_is_a_400_never_a_crash(garbage: str) -> None:
    with pytest.raises(InvalidInput, match=NOT_OURS):
        decode_token(garbage)
    with pytest.raises(InvalidInput, match=r"^the page token is stale$"):
        decode_token(garbage, "the page token is stale")
    with pytest.raises(InvalidInput, match=NOT_OURS):
        decode_cursor(garbage)


def test_a_cursor_key_must_look_like_a_key_encode_cursor_wrote() -> None:
    for value in ({}, {"k": True}, {"k": ""}, {"k": 1.5}, {"k": None}, {"k": {"S": "x"}}, "k", 1):
        with pytest.raises(InvalidInput, match=NOT_OURS):
            decode_cursor(encode_token(value))


def test_only_a_refused_condition_counts_as_a_lost_race() -> None:
    def error(code: str) -> ClientError:
        return ClientError({"Error": {"Code": code, "Message": "m"}}, "PutItem")

    assert conditional_check_failed(error("ConditionalCheckFailedException"))
    assert not conditional_check_failed(error("ProvisionedThroughputExceededException"))
    assert not conditional_check_failed(ValueError("no response"))


def test_a_start_key_is_checked_against_the_catalog_key_schema_and_dynamodb_limits() -> None:
    good = {"tenantId": "t" * 2048, "subscriptionId": "é" * 512}
    assert start_key(SUBSCRIPTIONS, good) == good
    refused = [
        {"tenantId": "t"},  # an attribute missing
        {**good, "other": "x"},  # one too many
        {**good, "subscriptionId": 7},  # a number for a string
        {**good, "tenantId": "t" * 2049},  # over a partition key's 2048 bytes
        {**good, "subscriptionId": "s" * 1025},  # over a sort key's 1024 bytes
        {**good, "subscriptionId": "é" * 513},  # 513 characters but 1,026 bytes
        {**good, "subscriptionId": ""},  # empty
        {**good, "subscriptionId": "\ud800"},  # a lone surrogate has no UTF-8
    ]
    for key in refused:
        with pytest.raises(InvalidInput, match="not one this API gave out"):
            start_key(SUBSCRIPTIONS, key)


def test_a_numeric_start_key_must_be_one_dynamodb_stores_exactly() -> None:
    numbered = CatalogTable(id="t", env_var="T", partition_key=Key("p"), sort_key=Key("n", "N"))
    assert start_key(numbered, {"p": "a", "n": 10**37}) == {"p": "a", "n": 10**37}
    for number in (10**38 + 1, 10**130, True):  # rounded; overflows; a bool is not a number here
        with pytest.raises(InvalidInput):
            start_key(numbered, {"p": "a", "n": number})
