"""CSV of one table, streamed row by row to a binary file object (UTF-8, header row, RFC 4180 quoting)."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from shared.rendering.cells import is_truncated
from shared.rendering.document import RenderResult, TableBlock

CONTENT_TYPE = "text/csv; charset=utf-8"


class _Counter(io.RawIOBase):
    """A writable stream that passes bytes on to `out`, counting them."""

    def __init__(self, out: BinaryIO) -> None:
        super().__init__()
        self.out = out
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        self.out.write(data)
        return len(data)


def render_csv(table: TableBlock, out: BinaryIO) -> RenderResult:
    """Write the header and at most `row_limit` rows; dates as ISO-8601, booleans as true/false."""
    counter = _Counter(out)
    text = io.TextIOWrapper(io.BufferedWriter(counter, 64 * 1024), encoding="utf-8", newline="")  # type: ignore[type-var]
    writer = csv.writer(text)
    writer.writerow([c.title for c in table.columns])
    keys = [c.key for c in table.columns]
    written = 0
    more = False
    for row in table.rows:
        if table.row_limit is not None and written >= table.row_limit:
            more = True
            break
        writer.writerow([_csv_value(row.get(k)) for k in keys])
        written += 1
    text.flush()
    text.detach().flush()
    return RenderResult(
        content_type=CONTENT_TYPE,
        size_bytes=counter.size,
        rows_written=written,
        truncated=is_truncated(table, written, more),
    )


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
