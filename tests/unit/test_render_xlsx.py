"""The XLSX renderer, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from shared.rendering.document import ColumnSpec, Document, TableBlock
from shared.rendering.specimen import VISIT_COLUMNS, specimen_document, visit_rows
from shared.rendering.xlsx import render_xlsx, sheet_name

GENERATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _render(document: Document) -> tuple[Workbook, int, bool]:
    out = io.BytesIO()
    result = render_xlsx(document, out)
    assert result.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert result.size_bytes == len(out.getvalue())
    return load_workbook(io.BytesIO(out.getvalue())), result.rows_written, result.truncated


def test_typed_cells_bold_frozen_header_and_widths() -> None:
    book, written, truncated = _render(specimen_document(rows=30, row_limit=None))
    assert written == 30
    assert not truncated
    assert book.sheetnames == ["Summary", "Visits"]
    sheet = book["Visits"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == [column.title for column in VISIT_COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    first = {title: cell for title, cell in zip(header, sheet[2], strict=True)}
    assert first["Visit"].value == 1
    assert isinstance(first["Weight (kg)"].value, float)
    assert first["Visit date"].is_date
    assert first["Visit date"].value == datetime(2026, 1, 5)
    assert first["Visit date"].number_format == "yyyy-mm-dd"
    assert first["Recorded at"].is_date
    assert first["Recorded at"].value == datetime(2026, 1, 5, 8, 0)
    assert isinstance(first["Completed"].value, bool)
    assert first["Participant"].data_type == "s"
    assert sheet.max_row == 31
    assert sheet.column_dimensions["B"].width >= len("P-1234 follow-up")


def test_summary_sheet_holds_title_and_metadata() -> None:
    book, _written, _truncated = _render(specimen_document(rows=5))
    summary = book["Summary"]
    values = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert values[0][0] == "Weekly trial summary — CARDIO-7"
    assert ["Period", "2026-02-23 to 2026-03-01"] in values
    generated = next(row for row in values if row[0] == "Generated at")
    assert generated[1] == datetime(2026, 3, 2, 9, 0)


def test_row_limit_note_after_the_rows() -> None:
    table = TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=visit_rows(3_000), row_limit=1_000, total_rows=3_000)
    book, written, truncated = _render(Document(title="T", generated_at=GENERATED, blocks=[table]))
    assert written == 1_000
    assert truncated
    sheet = book["Visits"]
    assert sheet.cell(row=1_001, column=1).value == 1_000
    assert sheet.cell(row=1_002, column=1).value is None
    assert sheet.cell(row=1_003, column=1).value == "Showing the first 1,000 of 3,000 rows."


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    names = [sheet_name(title, taken) for title in ["Visits: by site / week?", "visits  by site   week", "x" * 40, ""]]
    assert all(len(name) <= 31 for name in names)
    assert not any(char in name for name in names for char in "[]:*?/\\")
    assert len({name.casefold() for name in names}) == len(names)
    tables = [TableBlock(title="Summary", columns=VISIT_COLUMNS, rows=visit_rows(2)) for _ in range(2)]
    document = Document(title="T", generated_at=GENERATED, metadata={"k": "v"}, blocks=tables)
    book, written, _ = _render(document)
    assert written == 4
    assert book.sheetnames == ["Summary", "Summary (2)", "Summary (3)"]


def test_formulas_control_characters_and_time_zones_are_neutralised() -> None:
    columns = [ColumnSpec(key="text", title="Text"), ColumnSpec(key="when", title="When", kind="datetime")]
    paris = timezone(timedelta(hours=1))
    rows = [
        {"text": "=1+1", "when": datetime(2026, 1, 1, 10, 0, tzinfo=paris)},
        {"text": "bell\x07 and 東京", "when": None},
        {"text": None, "when": date(2026, 1, 3)},
    ]
    book, written, _ = _render(
        Document(title="T", generated_at=GENERATED, blocks=[TableBlock(title="T", columns=columns, rows=rows)])
    )
    assert written == 3
    sheet = book["T"]
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == datetime(2026, 1, 1, 9, 0)
    assert sheet["A3"].value == "bell and 東京"
    assert sheet["B3"].value is None
    assert sheet["A4"].value is None


def test_document_without_tables_or_metadata_still_has_a_sheet() -> None:
    book, written, truncated = _render(Document(title="Empty", generated_at=GENERATED))
    assert written == 0
    assert not truncated
    assert book.sheetnames == ["Summary"]


def test_a_report_locale_gives_dates_its_format_and_text_keeps_every_script() -> None:
    columns = [
        ColumnSpec(key="site", title="Ośrodek 東京"),
        ColumnSpec(key="day", title="Dzień", kind="date"),
        ColumnSpec(key="at", title="Zapisano", kind="datetime"),
        ColumnSpec(key="n", title="Liczba", kind="float"),
    ]
    rows = [{"site": "Łódź — 서울 مركز", "day": date(2026, 3, 1), "at": GENERATED, "n": 1234.5}]

    def document(locale: str | None) -> Document:
        table = TableBlock(title="Ośrodki 東京", columns=columns, rows=rows)
        return Document(title="Raport", subtitle="Zażółć", generated_at=GENERATED, locale=locale, blocks=[table])

    book, _, _ = _render(document("de-DE"))
    assert book.sheetnames == ["Summary", "Ośrodki 東京"]
    sheet = book["Ośrodki 東京"]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2))
    assert [cell.value for cell in header] == ["Ośrodek 東京", "Dzień", "Zapisano", "Liczba"]
    assert first[0].value == "Łódź — 서울 مركز"
    assert first[1].number_format == "dd.mm.yyyy"
    assert first[2].number_format == "dd.mm.yyyy hh:mm"
    assert first[3].value == 1234.5
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=4) if row[0].value}
    assert summary["Generated at"].number_format == "dd.mm.yyyy hh:mm"
    default = _render(document(None))[0]["Ośrodki 東京"]
    assert next(default.iter_rows(min_row=2, max_row=2))[1].number_format == "yyyy-mm-dd"
