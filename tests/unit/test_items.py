"""DynamoDB items to and from plain Python, paging cursors, and telling a lost conditional write from other errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from shared.errors import InvalidInput
from shared.items import conditional_check_failed, decode_cursor, encode_cursor, from_item, to_item


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


def test_only_a_refused_condition_counts_as_a_lost_race() -> None:
    def error(code: str) -> ClientError:
        return ClientError({"Error": {"Code": code, "Message": "m"}}, "PutItem")

    assert conditional_check_failed(error("ConditionalCheckFailedException"))
    assert not conditional_check_failed(error("ProvisionedThroughputExceededException"))
    assert not conditional_check_failed(ValueError("no response"))
