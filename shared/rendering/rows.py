"""Row streaming shared by the renderers: the row limit, the truncation notice, and how a cell reads as text."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from shared.rendering.document import Cell, CellKind, ColumnSpec, TableBlock


class LimitedRows:
    """Iterates a table's rows up to its `row_limit`, then peeks one more row to learn whether the limit was hit.

    The rows are consumed once and never held: a generator stays a generator."""

    def __init__(self, table: TableBlock) -> None:
        self._rows = iter(table.rows)
        self._limit = table.row_limit
        self._total = table.total_rows
        self.written = 0
        self._more_seen = False

    def __iter__(self) -> Iterator[Mapping[str, Cell]]:
        limit = self._limit
        for row in self._rows:
            if limit is not None and self.written >= limit:
                self._more_seen = True
                return
            self.written += 1
            yield row

    @property
    def truncated(self) -> bool:
        """True when rows beyond the limit exist (seen, or told by `total_rows`)."""
        return self._more_seen or (self._total is not None and self._total > self.written)

    def notice(self) -> str | None:
        """The sentence a document shows when rows were cut, or None when every row was rendered."""
        if not self.truncated:
            return None
        if self._total is not None and self._total > self.written:
            return f"Showing the first {self.written:,} of {self._total:,} rows."
        return f"Showing the first {self.written:,} rows; more were available."


@dataclass(frozen=True)
class NumberFormat:
    """How numbers and dates read in a PDF: the default is "1,234.50" and ISO dates; a report locale
    (`shared.rendering.locale`) supplies its separators and date formats."""

    group: str = ","
    decimal: str = "."
    date_text: Callable[[date], str] = date.isoformat
    moment_text: Callable[[datetime], str] | None = None

    def number(self, formatted: str) -> str:
        """`formatted` (Python's "1,234.5" form) with this format's separators."""
        if self.group == "," and self.decimal == ".":
            return formatted
        return formatted.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)


DEFAULT_NUMBERS = NumberFormat()


def display_text(value: Cell, kind: CellKind, numbers: NumberFormat = DEFAULT_NUMBERS) -> str:
    """A cell as a person reads it in a PDF: thousands separators, ISO dates (or the report locale's), Yes/No."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return numbers.number(f"{value:,}")
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if kind == "int" and value.is_integer():
            return numbers.number(f"{int(value):,}")
        return numbers.number(f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}")
    if isinstance(value, datetime):
        return numbers.moment_text(value) if numbers.moment_text else _moment(value)
    if isinstance(value, date):
        return numbers.date_text(value)
    return str(value)


def _moment(value: datetime) -> str:
    """Minutes precision; "UTC" for a zero offset, the offset for others, nothing for naive datetimes."""
    text = value.strftime("%Y-%m-%d %H:%M")
    return text + zone_suffix(value)


def zone_suffix(value: datetime) -> str:
    """ " UTC" for a zero offset, "+02:00" for others, "" for a naive datetime."""
    offset = value.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return " UTC"
    return value.isoformat()[-6:]


NUMERIC_KINDS: frozenset[CellKind] = frozenset({"int", "float"})


def is_numeric(column: ColumnSpec) -> bool:
    return column.kind in NUMERIC_KINDS
