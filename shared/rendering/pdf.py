"""PDF with fpdf2: a title page, key figures, bar charts, tables drawn cell by cell with the header row repeated on
every page, text notes, images scaled to fit, the document title on top of every page and "Page n of m" below.

Tables use `cell()` rather than fpdf2's `table()`, which wraps every cell twice and is several times slower."""

from __future__ import annotations

import io
from typing import BinaryIO

from fpdf import FPDF
from PIL import Image

from shared.rendering.cells import cell_text, is_truncated, truncation_notice
from shared.rendering.document import (
    ChartBlock,
    Document,
    ImageBlock,
    ParagraphBlock,
    RenderResult,
    SummaryBlock,
    TableBlock,
)

CONTENT_TYPE = "application/pdf"
ROW_HEIGHT = 5.0
HEADER_FILL = (226, 232, 240)
SERIES_COLOURS = ((37, 99, 235), (16, 185, 129), (234, 88, 12), (147, 51, 234))
WIDTH_SAMPLE_ROWS = 40


def latin1(text: str) -> str:
    """The core PDF fonts speak Latin-1: common typography is mapped, anything else becomes '?'."""
    text = text.replace("\u2014", "-").replace("\u2013", "-").replace("\u2019", "'").replace("\u201c", '"')
    return text.replace("\u201d", '"').encode("latin-1", "replace").decode("latin-1")


class _ReportPdf(FPDF):
    def __init__(self, document: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.document = document
        self.set_margins(15, 18, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(latin1(document.title))
        self.set_creator("report-platform")

    def header(self) -> None:
        self.set_font("Helvetica", "", 8)
        self.set_text_color(100, 116, 139)
        self.set_y(8)
        self.cell(0, 5, latin1(self.document.title), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, self.document.generated_at.strftime("%Y-%m-%d"), align="R")
        self.set_draw_color(203, 213, 225)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_y(18)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(100, 116, 139)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    @property
    def content_width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def room(self) -> float:
        return float(self.page_break_trigger - self.get_y())

    def heading(self, text: str, size: float = 12) -> None:
        if self.room() < 20:
            self.add_page()
        self.ln(2)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 6, latin1(text))
        self.ln(1)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` (mm) in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[: max(0, len(text) - max(1, len(text) // 8))]
    return text + "..."


def _title_page(pdf: _ReportPdf, document: Document) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 10, latin1(document.title), align="C")
    if document.subtitle:
        pdf.ln(3)
        pdf.set_font("Helvetica", "", 13)
        pdf.multi_cell(0, 7, latin1(document.subtitle), align="C")
    pdf.ln(12)
    pdf.set_font("Helvetica", "", 10)
    label_w = 50.0
    items = [*document.metadata.items(), ("Generated", document.generated_at.strftime("%Y-%m-%d %H:%M UTC"))]
    for label, value in items:
        pdf.set_x(pdf.l_margin + 20)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(label_w, 7, latin1(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(pdf.content_width - 40 - label_w, 7, _fit(pdf, latin1(value), pdf.content_width - 40 - label_w))
        pdf.ln(7)


def _summary(pdf: _ReportPdf, block: SummaryBlock) -> None:
    pdf.heading(block.title)
    pdf.set_font("Helvetica", "", 9.5)
    for label, value in block.items:
        if pdf.room() < 7:
            pdf.add_page()
        pdf.set_fill_color(*HEADER_FILL)
        pdf.cell(70, 6.5, latin1(label), border=1, fill=True)
        pdf.cell(pdf.content_width - 70, 6.5, _fit(pdf, latin1(value), pdf.content_width - 72), border=1)
        pdf.ln(6.5)


def _chart(pdf: _ReportPdf, block: ChartBlock) -> None:
    height = 70.0
    if pdf.room() < height + 25:
        pdf.add_page()
    pdf.heading(block.title)
    left, top = pdf.l_margin + 12, pdf.get_y() + 2
    width = pdf.content_width - 14
    peak = max((v for values in block.series.values() for v in values), default=0.0) or 1.0
    pdf.set_font("Helvetica", "", 7)
    pdf.set_draw_color(148, 163, 184)
    for tick in range(5):
        value = peak * tick / 4
        y = top + height - height * tick / 4
        pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(11, 4, f"{value:,.0f}", align="R")
    groups = max(1, len(block.labels))
    group_w = width / groups
    bar_w = group_w * 0.8 / max(1, len(block.series))
    for index, label in enumerate(block.labels):
        for number, values in enumerate(block.series.values()):
            value = values[index] if index < len(values) else 0.0
            colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
            pdf.set_fill_color(*colour)
            bar_h = height * value / peak
            x = left + index * group_w + group_w * 0.1 + number * bar_w
            if block.chart == "line" and index > 0:
                previous = values[index - 1] if index - 1 < len(values) else 0.0
                pdf.set_draw_color(*colour)
                pdf.line(x - group_w, top + height - height * previous / peak, x, top + height - bar_h)
            else:
                pdf.rect(x, top + height - bar_h, bar_w, bar_h, style="F")
        pdf.set_xy(left + index * group_w, top + height + 1)
        pdf.cell(group_w, 4, _fit(pdf, latin1(label), group_w), align="C")
    legend_y = top + height + 7
    pdf.set_xy(left, legend_y)
    for number, name in enumerate(block.series):
        pdf.set_fill_color(*SERIES_COLOURS[number % len(SERIES_COLOURS)])
        pdf.rect(pdf.get_x(), legend_y + 1, 3, 3, style="F")
        pdf.set_x(pdf.get_x() + 4)
        pdf.cell(30, 5, latin1(name))
    pdf.set_y(legend_y + 8)


def _column_widths(pdf: _ReportPdf, block: TableBlock, sample: list[list[str]]) -> list[float]:
    pdf.set_font("Helvetica", "", 7.5)
    wanted = []
    for index, column in enumerate(block.columns):
        texts = [row[index] for row in sample] + [column.title]
        wanted.append(min(60.0, max(pdf.get_string_width(t) for t in texts) + 3))
    scale = pdf.content_width / sum(wanted)
    return [w * scale for w in wanted]


def _table_header(pdf: _ReportPdf, block: TableBlock, widths: list[float]) -> None:
    pdf.set_font("Helvetica", "B", 7.5)
    pdf.set_fill_color(*HEADER_FILL)
    for column, width in zip(block.columns, widths, strict=True):
        pdf.cell(width, ROW_HEIGHT + 0.5, _fit(pdf, latin1(column.title), width - 1.5), border=1, fill=True)
    pdf.ln(ROW_HEIGHT + 0.5)
    pdf.set_font("Helvetica", "", 7.5)


def _table(pdf: _ReportPdf, block: TableBlock) -> tuple[int, bool]:
    """Draw the table; (rows written, whether the row limit cut it)."""
    pdf.heading(block.title)
    keys = [c.key for c in block.columns]
    rows = iter(block.rows)
    sample: list[list[str]] = []
    for row in rows:
        sample.append([latin1(cell_text(row.get(k))) for k in keys])
        if len(sample) >= WIDTH_SAMPLE_ROWS:
            break
    widths = _column_widths(pdf, block, sample)
    if pdf.room() < 3 * ROW_HEIGHT:
        pdf.add_page()
    _table_header(pdf, block, widths)

    def texts() -> object:
        yield from sample
        for row in rows:
            yield [latin1(cell_text(row.get(k))) for k in keys]

    written = 0
    more = False
    for values in texts():  # type: ignore[attr-defined]
        if block.row_limit is not None and written >= block.row_limit:
            more = True
            break
        if pdf.get_y() + ROW_HEIGHT > pdf.page_break_trigger:
            pdf.add_page()
            _table_header(pdf, block, widths)
        for value, width in zip(values, widths, strict=True):
            pdf.cell(width, ROW_HEIGHT, _fit(pdf, value, width - 1.5), border=1)
        pdf.ln(ROW_HEIGHT)
        written += 1
    if written == 0:
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, ROW_HEIGHT, "No rows in this period.")
        pdf.ln(ROW_HEIGHT)
    truncated = is_truncated(block, written, more)
    if truncated:
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(0, 4.5, latin1(truncation_notice(block, written)))
    pdf.ln(2)
    return written, truncated


def _paragraph(pdf: _ReportPdf, block: ParagraphBlock) -> None:
    if block.heading:
        pdf.heading(block.heading, size=10)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 4.6, latin1(block.text))
    pdf.ln(2)


def _image(pdf: _ReportPdf, block: ImageBlock) -> None:
    with Image.open(io.BytesIO(block.data)) as picture:
        px_w, px_h = picture.size
    width = min(pdf.content_width, px_w * 0.2646)
    height = width * px_h / px_w
    limit = pdf.page_break_trigger - pdf.t_margin - 15
    if height > limit:
        height, width = limit, limit * px_w / px_h
    if pdf.room() < height + 12:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 6, latin1(block.title))
    pdf.ln(6)
    pdf.image(io.BytesIO(block.data), x=pdf.l_margin, y=pdf.get_y(), w=width, h=height)
    pdf.set_y(pdf.get_y() + height + 4)


def render_pdf(document: Document, out: BinaryIO) -> RenderResult:
    pdf = _ReportPdf(document)
    _title_page(pdf, document)
    pdf.add_page()
    rows_written = 0
    truncated = False
    for block in document.blocks:
        if isinstance(block, TableBlock):
            written, cut = _table(pdf, block)
            rows_written += written
            truncated = truncated or cut
        elif isinstance(block, SummaryBlock):
            _summary(pdf, block)
        elif isinstance(block, ChartBlock):
            _chart(pdf, block)
        elif isinstance(block, ParagraphBlock):
            _paragraph(pdf, block)
        else:
            _image(pdf, block)
    data = bytes(pdf.output())
    out.write(data)
    return RenderResult(
        content_type=CONTENT_TYPE,
        size_bytes=len(data),
        rows_written=rows_written,
        truncated=truncated,
        pages=pdf.pages_count,
    )
