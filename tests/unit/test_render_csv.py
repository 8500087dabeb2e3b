"""The CSV renderer, read back with the csv module."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime

from shared.rendering.csv_writer import render_csv
from shared.rendering.document import ColumnSpec, TableBlock
from shared.rendering.specimen import VISIT_COLUMNS, visit_rows
from tests.support.counting_rows import CountingRows


def _read(table: TableBlock) -> tuple[list[list[str]], int, bool, int]:
    out = io.BytesIO()
    result = render_csv(table, out)
    assert result.content_type == "text/csv; charset=utf-8"
    data = out.getvalue()
    assert result.size_bytes == len(data)
    return list(csv.reader(io.StringIO(data.decode("utf-8")))), result.rows_written, result.truncated, len(data)


def test_header_row_iso_dates_and_every_row() -> None:
    rows, written, truncated, _ = _read(TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=visit_rows(25)))
    assert rows[0] == [column.title for column in VISIT_COLUMNS]
    assert len(rows) == 26
    assert written == 25
    assert not truncated
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Visit"] == "1"
    assert first["Visit date"] == "2026-01-05"
    assert first["Recorded at"] == "2026-01-05T08:00:00+00:00"
    assert first["Completed"] in {"true", "false"}
    assert float(first["Weight (kg)"]) > 0


def test_row_limit_is_honoured_and_reported() -> None:
    rows, written, truncated, _ = _read(
        TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=visit_rows(5_000), row_limit=1_000)
    )
    assert len(rows) == 1_001
    assert written == 1_000
    assert truncated
    assert rows[-1][0] == "1000"


def test_total_rows_beyond_what_was_given_counts_as_truncated() -> None:
    table = TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=visit_rows(10), row_limit=10, total_rows=50)
    _rows, written, truncated, _ = _read(table)
    assert written == 10
    assert truncated


def test_unicode_quotes_newlines_missing_values_and_formulas() -> None:
    columns = [
        ColumnSpec(key="name", title="Name"),
        ColumnSpec(key="when", title="When", kind="datetime"),
        ColumnSpec(key="day", title="Day", kind="date"),
    ]
    source = [
        {"name": 'Zürich, "Nord"\n東京', "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "day": date(2026, 1, 2)},
        {"name": "=HYPERLINK(1)", "when": None},
    ]
    rows, written, _truncated, _ = _read(TableBlock(title="T", columns=columns, rows=source))
    assert written == 2
    assert rows[1] == ['Zürich, "Nord"\n東京', "2026-01-02T03:04:05+00:00", "2026-01-02"]
    assert rows[2] == ["'=HYPERLINK(1)", "", ""]


def test_rows_are_consumed_lazily() -> None:
    source = CountingRows(10_000)
    _read(TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=source, row_limit=10))
    assert source.consumed == 11


def test_csv_and_document_imports_stay_light() -> None:
    code = (
        "import sys, shared.rendering.csv_writer, shared.rendering.document, shared.rendering.specimen; "
        "print(sorted(m for m in ('fpdf', 'openpyxl', 'PIL') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert output.strip() == "[]"
