"""The query interface: what a query reads (`Scan`), what it returns (`QueryResult`), and which engine runs it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from shared.catalog import LakeTable
from shared.settings import get_settings


@dataclass(frozen=True)
class Scan:
    """A lake table and the partitions a query may read (None: every partition)."""

    table: LakeTable
    partitions: tuple[str, ...] | None = None
    """Partition paths relative to the table prefix, e.g. `date=2026-11-20/hour=05`."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    files_read: int = 0
    """Objects the engine opened (DuckDB); Athena reports bytes scanned instead."""
    bytes_scanned: int = 0

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class QueryEngine(Protocol):
    def run(self, sql: str, params: Sequence[Any], scans: Mapping[str, Scan]) -> QueryResult:
        """Run `sql`, whose `{name}` placeholders name the entries of `scans`, with `?` bound to `params`."""
        ...


def hourly_partitions(start: datetime, end: datetime) -> tuple[str, ...]:
    """`date=YYYY-MM-DD/hour=HH` for every hour that [start, end] touches (UTC)."""
    moment = start.replace(minute=0, second=0, microsecond=0)
    found = []
    while moment <= end:
        found.append(f"date={moment:%Y-%m-%d}/hour={moment:%H}")
        moment += timedelta(hours=1)
    return tuple(found)


def daily_partitions(first: date, last: date) -> tuple[str, ...]:
    """`date=YYYY-MM-DD` for every day from `first` to `last` inclusive."""
    return tuple(f"date={day:%Y-%m-%d}" for day in _days(first, last))


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def default_engine() -> QueryEngine:
    """The engine the environment asks for: `QUERY_ENGINE=duckdb` locally, Athena otherwise."""
    settings = get_settings()
    if settings.query_engine == "duckdb":
        from shared.query.duckdb_engine import DuckDbEngine

        return DuckDbEngine()
    from shared.query.athena_engine import AthenaEngine

    return AthenaEngine()
