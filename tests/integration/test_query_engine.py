"""The DuckDB engine over the local S3: partition pruning, parameters, empty scans."""

import json
from datetime import UTC, date, datetime

from local.runtime import LocalRuntime
from shared.aws import client
from shared.catalog import Column, LakeTable
from shared.query.duckdb_engine import DuckDbEngine
from shared.query.engine import Scan, daily_partitions, hourly_partitions
from shared.settings import get_settings

EVENTS = LakeTable(
    name="test_events",
    bucket="data-lake",
    prefix="test/events",
    columns=(Column("id", "varchar"), Column("platform", "varchar"), Column("n", "bigint")),
    partitions=(Column("date", "varchar"), Column("hour", "varchar")),
)


def _put(day: str, hour: str, rows: list[dict[str, object]], name: str = "part-0.json") -> None:
    bucket = get_settings().resources["DATA_LAKE_BUCKET"]
    body = "\n".join(json.dumps(r) for r in rows).encode()
    client("s3").put_object(Bucket=bucket, Key=f"test/events/date={day}/hour={hour}/{name}", Body=body)


def test_reads_only_the_scanned_partitions_and_binds_parameters(clean: LocalRuntime) -> None:
    _put("2026-11-20", "04", [{"id": "a", "platform": "ios", "n": 1}])
    _put("2026-11-20", "05", [{"id": "b", "platform": "ios", "n": 2}, {"id": "c", "platform": "android", "n": 3}])
    _put("2026-11-20", "05", [{"id": "d", "platform": "ios", "n": 4}], name="part-1.json")
    _put("2026-11-20", "06", [{"id": "e", "platform": "ios", "n": 5}])
    window = hourly_partitions(datetime(2026, 11, 20, 5, 0, tzinfo=UTC), datetime(2026, 11, 20, 5, 59, tzinfo=UTC))
    assert window == ("date=2026-11-20/hour=05",)
    result = DuckDbEngine().run(
        "SELECT platform, sum(n) AS total, min(hour) AS hour FROM {events} WHERE platform <> ? "
        "GROUP BY platform ORDER BY platform",
        ["windows"],
        {"events": Scan(EVENTS, window)},
    )
    assert result.files_read == 2
    assert result.records() == [
        {"platform": "android", "total": 3, "hour": "05"},
        {"platform": "ios", "total": 6, "hour": "05"},
    ]


def test_an_empty_scan_has_the_table_columns_and_no_rows(clean: LocalRuntime) -> None:
    result = DuckDbEngine().run(
        "SELECT id, platform, n, date FROM {events}", [], {"events": Scan(EVENTS, ("date=2030-01-01/hour=00",))}
    )
    assert result.columns == ["id", "platform", "n", "date"]
    assert result.rows == []
    assert result.files_read == 0


def test_partition_helpers() -> None:
    assert daily_partitions(date(2026, 2, 27), date(2026, 3, 1)) == (
        "date=2026-02-27",
        "date=2026-02-28",
        "date=2026-03-01",
    )
    hours = hourly_partitions(datetime(2026, 1, 1, 22, 30, tzinfo=UTC), datetime(2026, 1, 2, 1, 0, tzinfo=UTC))
    assert hours == (
        "date=2026-01-01/hour=22",
        "date=2026-01-01/hour=23",
        "date=2026-01-02/hour=00",
        "date=2026-01-02/hour=01",
    )
