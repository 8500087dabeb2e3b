"""How a cell reads in a rendered file, and the truncation notice: the same words in every format."""

from __future__ import annotations

from datetime import date, datetime

from shared.rendering.document import Cell, TableBlock


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:.6g}"
    return str(value)


def truncation_notice(table: TableBlock, written: int) -> str:
    total = f" of {table.total_rows:,}" if table.total_rows is not None else ""
    return f"Showing the first {written:,}{total} rows: the report's row limit is {table.row_limit:,}."


def is_truncated(table: TableBlock, written: int, more: bool) -> bool:
    """Whether the row limit cut the table (`more`: a row beyond the limit was seen)."""
    if table.row_limit is None:
        return False
    return more or (table.total_rows is not None and table.total_rows > written)
