"""A document as a PDF with fpdf2: a title page, then its blocks in order (summaries, charts, paragraphs, images,
tables), "Page n of m" in every footer. Text is in embedded, subset TrueType fonts (`shared.rendering.fonts`): every
character renders as itself, right-to-left and Indic scripts shaped. The PDF carries its title and language, and an
outline (bookmarks) with the title and every block heading, which are also tagged (fpdf2's structure tree)."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from fpdf import FPDF
from fpdf.enums import Align
from fpdf.errors import FPDFException
from fpdf.fonts import TextStyle
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
from shared.rendering.fonts import FAMILY
from shared.rendering.locale import ReportLocale, report_locale
from shared.rendering.pdf_chart import chart_height, draw_chart
from shared.rendering.pdf_fonts import PdfFonts, TextMeasure
from shared.rendering.pdf_table import HEADER_HEIGHT, ROW_HEIGHT, TableDrawer

CONTENT_TYPE = "application/pdf"
MARGIN = 15.0
BOTTOM_MARGIN = 18.0
IMAGE_DPI = 96.0
_MUTED = (110, 110, 110)


class ReportPDF(FPDF):
    """An A4 PDF whose every page has a footer with the report title and "Page n of m"."""

    def __init__(self, title: str, locale: ReportLocale) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.typefaces = PdfFonts(self)
        self.locale = locale
        self.report_title = self.typefaces.line(title)
        self._footer_titles: dict[float, str] = {}
        """The title cut to the footer's width, per page width (portrait, landscape)."""
        self.alias_nb_pages()
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
        self.set_title(self.report_title)
        self.set_lang(locale.language_tag)
        self.set_creator("report-platform")
        self.set_display_mode("fullwidth", "continuous")
        self.page_mode = "UseOutlines"
        self.section_title_styles = {
            0: TextStyle(font_family=FAMILY, font_style="B", font_size_pt=24, l_margin=Align.C, b_margin=3),
            1: TextStyle(font_family=FAMILY, font_style="B", font_size_pt=12, t_margin=3, b_margin=2.5),
        }
        self.needs_page = True
        """Set after the title page: the next block starts a page (in the orientation it needs)."""

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        super().add_page(*args, **kwargs)
        self.needs_page = False

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*_MUTED)
        half = (self.w - 2 * MARGIN) / 2
        if half not in self._footer_titles:
            measure = TextMeasure(self, self.typefaces, "", 8)
            self._footer_titles[half] = measure.fit(self.report_title, half - 4)
        title = self._footer_titles[half]
        self.set_text_shaping(not self.typefaces.is_plain(title))  # HarfBuzz only where the script needs it
        self.cell(half, 5, title, align="L")
        self.set_text_shaping(False)
        self.cell(half, 5, f"Page {self.page_no()} of {self.str_alias_nb_pages}", align="R")
        self.set_text_shaping(True)
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
        """A block heading (an outline entry, tagged), moved to the next page with what follows when `keep_with` mm
        would not fit under it."""
        self.ensure_space(10 + keep_with)
        self.set_font(FAMILY, "B", 12)
        self.start_section(self.typefaces.prepare(text), level=1)

    def key_values(self, items: list[tuple[str, str]], key_width: float = 55.0) -> None:
        for key, value in items:
            self.ensure_space(6)
            self.set_font(FAMILY, "B", 9)
            y = self.get_y()
            self.multi_cell(key_width, 5.5, self.typefaces.prepare(key), new_x="RIGHT", new_y="TOP")
            key_bottom = self.get_y() if self.get_y() > y else y
            self.set_xy(self.l_margin + key_width, y)
            self.set_font(FAMILY, "", 9)
            self.multi_cell(0, 5.5, self.typefaces.prepare(value), new_x="LMARGIN", new_y="NEXT")
            self.set_y(max(self.get_y(), key_bottom))


def _title_page(pdf: ReportPDF, document: Document) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font(FAMILY, "B", 24)
    pdf.start_section(pdf.report_title, level=0)
    if document.subtitle:
        pdf.ln(3)
        pdf.set_font(FAMILY, "", 13)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, 7, pdf.typefaces.prepare(document.subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(14)
    items = [*document.metadata.items(), ("Generated at", pdf.locale.moment(document.generated_at))]
    pdf.key_values(items)


def _summary(pdf: ReportPDF, block: SummaryBlock) -> None:
    pdf.heading(block.title, keep_with=6 * min(len(block.items), 3))
    pdf.key_values(block.items, key_width=70.0)


def _paragraph(pdf: ReportPDF, block: ParagraphBlock) -> None:
    if block.heading:
        pdf.heading(block.heading, keep_with=10)
    pdf.set_font(FAMILY, "", 10)
    for part in pdf.typefaces.prepare(block.text).split("\n\n"):
        pdf.ensure_space(6)
        pdf.multi_cell(0, 5, part.strip(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _chart(pdf: ReportPDF, block: ChartBlock) -> None:
    pdf.heading(block.title, keep_with=chart_height(block))
    draw_chart(pdf, pdf.typefaces, block, pdf.locale.numbers)


def _image(pdf: ReportPDF, block: ImageBlock) -> None:
    """The image scaled to the page width (never enlarged beyond 96 dpi) and to one page's height."""
    try:
        with Image.open(io.BytesIO(block.data)) as image:
            width_px, height_px = image.size
    except (OSError, ValueError, Image.DecompressionBombError, UnidentifiedImageError):
        pdf.heading(block.title)
        pdf.set_font(FAMILY, "I", 9)
        pdf.multi_cell(0, 5, "This image could not be read and is left out.", new_x="LMARGIN", new_y="NEXT")
        return
    natural_w, natural_h = width_px * 25.4 / IMAGE_DPI, height_px * 25.4 / IMAGE_DPI
    max_h = pdf.h - MARGIN - BOTTOM_MARGIN - 14
    scale = min(1.0, pdf.content_width / natural_w, max_h / natural_h)
    w, h = natural_w * scale, natural_h * scale
    pdf.heading(block.title, keep_with=h)
    try:
        pdf.image(
            io.BytesIO(block.data),
            x=pdf.l_margin + (pdf.content_width - w) / 2,
            w=w,
            h=h,
            alt_text=pdf.typefaces.prepare(block.title),
        )
    except (FPDFException, OSError, ValueError):
        pdf.set_font(FAMILY, "I", 9)
        pdf.multi_cell(0, 5, "This image could not be read and is left out.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.ln(3)


def _table(pdf: ReportPDF, block: TableBlock) -> TableDrawer:
    drawer = TableDrawer(pdf, pdf.typefaces, block, BOTTOM_MARGIN, pdf.locale.numbers)
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
        pdf.set_font(FAMILY, "I", 9)
        pdf.multi_cell(0, 5, notice, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    return drawer


def render_pdf(document: Document, out: BinaryIO) -> RenderResult:
    """Write `document` as a PDF to `out`; tables' rows are streamed (read once, a page's worth held)."""
    pdf = ReportPDF(document.title, report_locale(document.locale))
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
