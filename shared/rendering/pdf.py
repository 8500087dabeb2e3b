"""A document as a PDF with fpdf2: a title page, then its blocks in order (summaries, charts, paragraphs, images,
tables), "Page n of m" in every footer. Text uses the Helvetica core font; characters outside latin-1 are
transliterated (`shared.rendering.latin1`), so no input can make rendering fail on encoding."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, BinaryIO

from fpdf import FPDF
from fpdf.errors import FPDFException
from PIL import Image, UnidentifiedImageError

from shared.rendering.document import (
    Block,
    ChartBlock,
    Document,
    ImageBlock,
    ParagraphBlock,
    RenderResult,
    SummaryBlock,
    TableBlock,
)
from shared.rendering.latin1 import to_latin1
from shared.rendering.pdf_chart import chart_height, draw_chart
from shared.rendering.pdf_table import HEADER_HEIGHT, ROW_HEIGHT, TableDrawer

CONTENT_TYPE = "application/pdf"
MARGIN = 15.0
BOTTOM_MARGIN = 18.0
IMAGE_DPI = 96.0
_MUTED = (110, 110, 110)


class ReportPDF(FPDF):
    """An A4 PDF whose every page has a footer with the report title and "Page n of m"."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report_title = to_latin1(title)
        self.alias_nb_pages()
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
        self.set_title(self.report_title)
        self.set_creator("report-platform")
        self.needs_page = True
        """Set after the title page: the next block starts a page (in the orientation it needs)."""

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        super().add_page(*args, **kwargs)
        self.needs_page = False

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", "", 8)
        self.set_text_color(*_MUTED)
        half = (self.w - 2 * MARGIN) / 2
        title = self.report_title
        while title and self.get_string_width(title) > half - 4:
            title = title[:-1]
        self.cell(half, 5, title, align="L")
        self.cell(half, 5, f"Page {self.page_no()} of {self.str_alias_nb_pages}", align="R")
        self.set_text_color(0, 0, 0)

    @property
    def space_left(self) -> float:
        return self.h - BOTTOM_MARGIN - self.get_y()

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def ensure_space(self, height: float) -> None:
        """Start a new page unless `height` mm fit below the cursor."""
        if self.needs_page or self.space_left < height:
            self.add_page()

    def heading(self, text: str, keep_with: float = 0.0) -> None:
        """A block heading, moved to the next page with what follows when `keep_with` mm would not fit under it."""
        self.ensure_space(10 + keep_with)
        self.set_font("helvetica", "B", 12)
        self.multi_cell(0, 7, to_latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def key_values(self, items: list[tuple[str, str]], key_width: float = 55.0) -> None:
        for key, value in items:
            self.ensure_space(6)
            self.set_font("helvetica", "B", 9)
            y = self.get_y()
            self.multi_cell(key_width, 5.5, to_latin1(key), new_x="RIGHT", new_y="TOP")
            key_bottom = self.get_y() if self.get_y() > y else y
            self.set_xy(self.l_margin + key_width, y)
            self.set_font("helvetica", "", 9)
            self.multi_cell(0, 5.5, to_latin1(value), new_x="LMARGIN", new_y="NEXT")
            self.set_y(max(self.get_y(), key_bottom))


def _format_moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _title_page(pdf: ReportPDF, document: Document) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font("helvetica", "B", 24)
    pdf.multi_cell(0, 11, to_latin1(document.title), align="C", new_x="LMARGIN", new_y="NEXT")
    if document.subtitle:
        pdf.ln(3)
        pdf.set_font("helvetica", "", 13)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, 7, to_latin1(document.subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(14)
    items = [*document.metadata.items(), ("Generated at", _format_moment(document.generated_at))]
    pdf.key_values(items)


def _summary(pdf: ReportPDF, block: SummaryBlock) -> None:
    pdf.heading(block.title, keep_with=6 * min(len(block.items), 3))
    pdf.key_values(block.items, key_width=70.0)


def _paragraph(pdf: ReportPDF, block: ParagraphBlock) -> None:
    if block.heading:
        pdf.heading(block.heading, keep_with=10)
    pdf.set_font("helvetica", "", 10)
    for part in to_latin1(block.text).split("\n\n"):
        pdf.ensure_space(6)
        pdf.multi_cell(0, 5, part.strip(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _chart(pdf: ReportPDF, block: ChartBlock) -> None:
    pdf.heading(block.title, keep_with=chart_height(block))
    draw_chart(pdf, block)


def _image(pdf: ReportPDF, block: ImageBlock) -> None:
    """The image scaled to the page width (never enlarged beyond 96 dpi) and to one page's height."""
    try:
        with Image.open(io.BytesIO(block.data)) as image:
            width_px, height_px = image.size
    except (OSError, ValueError, Image.DecompressionBombError, UnidentifiedImageError):
        pdf.heading(block.title)
        pdf.set_font("helvetica", "I", 9)
        pdf.multi_cell(0, 5, "This image could not be read and is left out.", new_x="LMARGIN", new_y="NEXT")
        return
    natural_w, natural_h = width_px * 25.4 / IMAGE_DPI, height_px * 25.4 / IMAGE_DPI
    max_h = pdf.h - MARGIN - BOTTOM_MARGIN - 14
    scale = min(1.0, pdf.content_width / natural_w, max_h / natural_h)
    w, h = natural_w * scale, natural_h * scale
    pdf.heading(block.title, keep_with=h)
    try:
        pdf.image(io.BytesIO(block.data), x=pdf.l_margin + (pdf.content_width - w) / 2, w=w, h=h)
    except (FPDFException, OSError, ValueError):
        pdf.set_font("helvetica", "I", 9)
        pdf.multi_cell(0, 5, "This image could not be read and is left out.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.ln(3)


def _table(pdf: ReportPDF, block: TableBlock) -> TableDrawer:
    drawer = TableDrawer(pdf, block, BOTTOM_MARGIN)
    layout, rows = drawer.plan()
    wanted = "L" if layout.landscape else "P"
    current = "L" if pdf.w > pdf.h else "P"
    if pdf.needs_page or wanted != current:
        pdf.add_page(orientation=wanted)
    pdf.heading(block.title, keep_with=HEADER_HEIGHT + 3 * ROW_HEIGHT)
    drawer.draw(layout, rows)
    notice = drawer.rows.notice()
    if notice:
        pdf.ensure_space(6)
        pdf.set_font("helvetica", "I", 9)
        pdf.multi_cell(0, 5, notice, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    return drawer


def render_pdf(document: Document, out: BinaryIO) -> RenderResult:
    """Write `document` as a PDF to `out`; tables' rows are streamed (read once, a page's worth held)."""
    pdf = ReportPDF(document.title)
    _title_page(pdf, document)
    pdf.needs_page = True
    written, truncated = 0, False
    for block in document.blocks:
        drawn = _draw_block(pdf, block)
        if drawn is not None:
            written += drawn.rows.written
            truncated = truncated or drawn.rows.truncated
    data = pdf.output()
    out.write(data)
    return RenderResult(
        content_type=CONTENT_TYPE,
        size_bytes=len(data),
        rows_written=written,
        truncated=truncated,
        pages=pdf.pages_count,
    )


def _draw_block(pdf: ReportPDF, block: Block) -> TableDrawer | None:
    if isinstance(block, TableBlock):
        return _table(pdf, block)
    if isinstance(block, ChartBlock):
        _chart(pdf, block)
    elif isinstance(block, ParagraphBlock):
        _paragraph(pdf, block)
    elif isinstance(block, SummaryBlock):
        _summary(pdf, block)
    else:
        _image(pdf, block)
    return None
