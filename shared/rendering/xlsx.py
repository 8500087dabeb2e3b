"""XLSX with openpyxl's write-only workbook: a cover sheet, then one sheet per table, rows streamed."""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from shared.rendering.cells import is_truncated, truncation_notice
from shared.rendering.document import Document, RenderResult, SummaryBlock

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def _bold(sheet: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = _BOLD
    return cell


def render_xlsx(document: Document, out: BinaryIO) -> RenderResult:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    cover = workbook.create_sheet(_sheet_title("Report", used))
    cover.append([_bold(cover, document.title)])
    if document.subtitle:
        cover.append([document.subtitle])
    cover.append(["Generated", document.generated_at.strftime("%Y-%m-%d %H:%M UTC")])
    for label, value in document.metadata.items():
        cover.append([label, value])
    for block in document.blocks:
        if isinstance(block, SummaryBlock):
            cover.append([])
            cover.append([_bold(cover, block.title)])
            for label, value in block.items:
                cover.append([label, value])
    rows_written = 0
    truncated = False
    for table in document.tables():
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([_bold(sheet, c.title) for c in table.columns])
        keys = [c.key for c in table.columns]
        written = 0
        more = False
        for row in table.rows:
            if table.row_limit is not None and written >= table.row_limit:
                more = True
                break
            sheet.append([row.get(k) for k in keys])
            written += 1
        rows_written += written
        if is_truncated(table, written, more):
            truncated = True
            sheet.append([])
            sheet.append([truncation_notice(table, written)])
    start = out.tell() if out.seekable() else 0
    workbook.save(out)
    size = (out.tell() - start) if out.seekable() else 0
    return RenderResult(content_type=CONTENT_TYPE, size_bytes=size, rows_written=rows_written, truncated=truncated)
