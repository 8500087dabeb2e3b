from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.query.athena_engine import athena_literal


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "NULL"),
        (True, "true"),
        (42, "42"),
        (1.5, "1.5"),
        (Decimal("2.50"), "2.50"),
        ("o'brien", "'o''brien'"),
        ("x'; DROP TABLE t; --", "'x''; DROP TABLE t; --'"),
        (date(2026, 11, 23), "date '2026-11-23'"),
        (datetime(2026, 11, 23, 9, 5, 7, 123456, tzinfo=UTC), "timestamp '2026-11-23 09:05:07.123'"),
    ],
)
def test_execution_parameters_are_safe_literals(value: object, literal: str) -> None:
    assert athena_literal(value) == literal
