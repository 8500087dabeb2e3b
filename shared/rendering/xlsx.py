"""A document as an XLSX workbook through openpyxl's write-only mode (constant memory): one sheet per table with
typed cells, a bold frozen header row and sized columns, plus a "Summary" sheet with the title and metadata.

Excel has no time zones: aware datetimes are written as naive UTC. A report locale gives date and datetime cells its
short date format (`dd.mm.yyyy` for `de`); numbers stay typed and Excel shows them with the reader's separators."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from itertools import chain, islice
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from shared.rendering.document import Cell, CellKind, ColumnSpec, Document, RenderResult, TableBlock
from shared.rendering.locale import ReportLocale, report_locale
from shared.rendering.rows import LimitedRows, display_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_SHEET = "Summary"
MAX_SHEET_NAME = 31
_WIDTH_SAMPLE = 200
"""Rows read ahead to size the columns (write-only sheets take widths before the first row)."""
_KIND_WIDTH: dict[CellKind, tuple[int, int]] = {
    "text": (8, 60),
    "int": (8, 18),
    "float": (10, 20),
    "date": (12, 12),
    "datetime": (19, 19),
    "bool": (6, 8),
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid sheet name for `title`: no [ ] : * ? / \\, at most 31 characters, unique (case-insensitive)."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'").strip() or "Table"
    base = base[:MAX_SHEET_NAME]
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def xlsx_value(value: Cell) -> Any:
    """A cell as openpyxl should store it: aware datetimes to naive UTC, control characters dropped."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub("", value)
    return value


def _widths(columns: list[ColumnSpec], sample: list[Mapping[str, Cell]]) -> list[float]:
    widths: list[float] = []
    for column in columns:
        low, high = _KIND_WIDTH[column.kind]
        longest = max((len(display_text(row.get(column.key), column.kind)) for row in sample), default=0)
        widths.append(max(low, min(high, max(longest, len(column.title)) + 2)))
    return widths


def _text_cell(ws: WriteOnlyWorksheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that holds `value` as text even when it starts with "=" (never a formula)."""
    cell = WriteOnlyCell(ws, value=_ILLEGAL.sub("", value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _data_row(ws: WriteOnlyWorksheet, row: Mapping[str, Cell], keys: list[str], formats: dict[str, str]) -> list[Any]:
    values = []
    for key in keys:
        value = xlsx_value(row.get(key))
        if isinstance(value, str) and value.startswith("="):
            values.append(_text_cell(ws, value))
        elif key in formats and isinstance(value, datetime | date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = formats[key]
            values.append(cell)
        else:
            values.append(value)
    return values


def _date_formats(columns: list[ColumnSpec], locale: ReportLocale) -> dict[str, str]:
    """Number formats of the date and datetime columns when the report has a locale (openpyxl's ISO default else)."""
    if locale.tag is None:
        return {}
    by_kind = {"date": locale.xlsx_date, "datetime": locale.xlsx_datetime}
    return {column.key: by_kind[column.kind] for column in columns if column.kind in by_kind}


def _write_table(wb: Workbook, table: TableBlock, name: str, locale: ReportLocale) -> LimitedRows:
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    rows = LimitedRows(table)
    stream: Iterator[Mapping[str, Cell]] = iter(rows)
    sample = list(islice(stream, _WIDTH_SAMPLE))
    for index, width in enumerate(_widths(table.columns, sample), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append([_text_cell(ws, column.title, _BOLD) for column in table.columns])
    keys = [column.key for column in table.columns]
    formats = _date_formats(table.columns, locale)
    for row in chain(sample, stream):
        ws.append(_data_row(ws, row, keys, formats))
    notice = rows.notice()
    if notice:
        ws.append([])
        ws.append([_text_cell(ws, notice, _ITALIC)])
    return rows


def _write_summary(wb: Workbook, document: Document, locale: ReportLocale) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.append([_text_cell(ws, document.title, Font(bold=True, size=14))])
    if document.subtitle:
        ws.append([_text_cell(ws, document.subtitle)])
    ws.append([])
    generated = WriteOnlyCell(ws, value=xlsx_value(document.generated_at))
    generated.number_format = locale.xlsx_datetime
    ws.append([_text_cell(ws, "Generated at", _BOLD), generated])
    for key, value in document.metadata.items():
        ws.append([_text_cell(ws, key, _BOLD), _text_cell(ws, value)])


def render_xlsx(document: Document, out: BinaryIO) -> RenderResult:
    """Write `document`'s tables (and its metadata, when any) as a workbook to `out`."""
    wb = Workbook(write_only=True)
    locale = report_locale(document.locale)
    taken: set[str] = set()
    if document.metadata or document.subtitle:
        _write_summary(wb, document, locale)
        taken.add(SUMMARY_SHEET.casefold())
    written, truncated = 0, False
    for table in document.tables():
        rows = _write_table(wb, table, sheet_name(table.title, taken), locale)
        written += rows.written
        truncated = truncated or rows.truncated
    if not wb.worksheets:
        _write_summary(wb, document, locale)
    start = out.tell() if out.seekable() else 0
    wb.save(out)
    size = out.tell() - start if out.seekable() else 0
    return RenderResult(content_type=CONTENT_TYPE, size_bytes=size, rows_written=written, truncated=truncated)
