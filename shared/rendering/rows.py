"""Row streaming shared by the renderers: the row limit, the truncation notice, and how a cell reads as text."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def display_text(value: Cell, kind: CellKind) -> str:
    """A cell as a person reads it in a PDF: thousands separators, ISO dates, Yes/No."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if kind == "int" and value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _moment(value: datetime) -> str:
    """Minutes precision; "UTC" for a zero offset, the offset for others, nothing for naive datetimes."""
    text = value.strftime("%Y-%m-%d %H:%M")
    offset = value.utcoffset()
    if offset is None:
        return text
    if not offset:
        return f"{text} UTC"
    return f"{text}{value.isoformat()[-6:]}"


NUMERIC_KINDS: frozenset[CellKind] = frozenset({"int", "float"})


def is_numeric(column: ColumnSpec) -> bool:
    return column.kind in NUMERIC_KINDS
