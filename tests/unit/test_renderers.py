"""The renderers' output opened with real readers: pages, repeated headers, footers, row limits."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pypdf
from PIL import Image

from shared.rendering.csv_writer import render_csv
from shared.rendering.document import (
    ChartBlock,
    ColumnSpec,
    Document,
    ImageBlock,
    ParagraphBlock,
    SummaryBlock,
    TableBlock,
)
from shared.rendering.pdf import render_pdf
from shared.rendering.xlsx import render_xlsx

COLUMNS = [
    ColumnSpec(key="n", title="Number", kind="int"),
    ColumnSpec(key="name", title="Name"),
    ColumnSpec(key="day", title="Day", kind="date"),
    ColumnSpec(key="ok", title="OK", kind="bool"),
]


def _rows(count: int) -> list[dict[str, object]]:
    return [
        {"n": i, "name": f"row {i} \u2014 caf\u00e9", "day": date(2026, 1, 1), "ok": i % 2 == 0} for i in range(count)
    ]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2000, 600), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _document(rows: int, limit: int | None) -> Document:
    return Document(
        title="Quarterly test report",
        subtitle="for testing",
        generated_at=datetime(2026, 11, 23, tzinfo=UTC),
        metadata={"Period": "2026-11-16 to 2026-11-22"},
        blocks=[
            SummaryBlock(title="Key figures", items=[("Rows", str(rows))]),
            ChartBlock(title="A chart", labels=["a", "b"], series={"x": [1.0, 3.0], "y": [2.0, 0.0]}),
            TableBlock(title="Rows", columns=COLUMNS, rows=iter(_rows(rows)), row_limit=limit, total_rows=rows),
            ParagraphBlock(heading="A note", text="Some text. " * 50),
            ImageBlock(title="A wide image", data=_png()),
        ],
    )


def test_pdf_has_header_footer_on_every_page_and_repeats_the_table_header() -> None:
    out = io.BytesIO()
    result = render_pdf(_document(300, None), out)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    assert result.pages == len(reader.pages) >= 5
    assert result.rows_written == 300
    assert not result.truncated
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Quarterly test report" in text
        assert f"Page {number} of {len(reader.pages)}" in text
    table_pages = [
        p.extract_text() for p in reader.pages if "row 150" in p.extract_text() or "row 299" in p.extract_text()
    ]
    assert table_pages
    assert all("Number Name Day OK" in t for t in table_pages)
    assert any(p.images for p in reader.pages)


def test_pdf_states_the_row_limit_when_hit() -> None:
    out = io.BytesIO()
    result = render_pdf(_document(50, 20), out)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.getvalue())).pages)
    assert result.rows_written == 20
    assert result.truncated
    assert "Showing the first 20 of 50 rows." in text
    assert "row 19" in text
    assert "row 20 " not in text


def test_csv_streams_the_header_and_at_most_the_limit() -> None:
    out = io.BytesIO()
    table = TableBlock(title="t", columns=COLUMNS, rows=iter(_rows(30)), row_limit=25)
    result = render_csv(table, out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert rows[0] == ["Number", "Name", "Day", "OK"]
    assert rows[1] == ["0", "row 0 \u2014 caf\u00e9", "2026-01-01", "true"]
    assert len(rows) == 26
    assert result.truncated
    assert result.rows_written == 25
    assert result.size_bytes == len(out.getvalue())


def test_xlsx_has_a_cover_sheet_a_sheet_per_table_and_the_limit_notice() -> None:
    out = io.BytesIO()
    result = render_xlsx(_document(40, 30), out)
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert workbook.sheetnames == ["Summary", "Rows"]
    rows = list(workbook["Rows"].iter_rows(values_only=True))
    assert rows[0] == ("Number", "Name", "Day", "OK")
    assert rows[1][0] == 0
    assert rows[-1][0] == "Showing the first 30 of 40 rows."
    assert result.rows_written == 30
    assert result.truncated
    cover = [r for r in workbook["Summary"].iter_rows(values_only=True)]
    assert cover[0][0] == "Quarterly test report"
