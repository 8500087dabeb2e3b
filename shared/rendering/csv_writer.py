"""A table as CSV, streamed row by row: UTF-8, a header row of column titles, ISO dates, row limit honoured.

CSV has no place for a notice, so a cut is reported through `RenderResult.truncated` only. Text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with an apostrophe."""

from __future__ import annotations

import csv
from datetime import date, datetime
from typing import BinaryIO

from shared.rendering.document import Cell, RenderResult, TableBlock
from shared.rendering.rows import LimitedRows

CONTENT_TYPE = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Utf8Sink:
    """A text sink for `csv.writer` that encodes straight into the binary output and counts the bytes."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self._out.write(data)
        self.size += len(data)
        return len(text)


def csv_value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def render_csv(table: TableBlock, out: BinaryIO) -> RenderResult:
    sink = _Utf8Sink(out)
    writer = csv.writer(sink, lineterminator="\r\n")
    keys = [column.key for column in table.columns]
    writer.writerow([column.title for column in table.columns])
    rows = LimitedRows(table)
    for row in rows:
        writer.writerow([csv_value(row.get(key)) for key in keys])
    return RenderResult(
        content_type=CONTENT_TYPE, size_bytes=sink.size, rows_written=rows.written, truncated=rows.truncated
    )
