"""Tables in the PDF: a plain text() loop (fpdf2's cell() is 5x and table() 50x slower at 10,000 rows, see
docs/rendering.md), column widths from the column kinds and the first rows, numbers right-aligned, long text cut with
"…", the header row repeated on every page, and the truncation notice below the table. Cells that need a fallback
font or text shaping are drawn through fpdf2's cell() (`shared.rendering.pdf_fonts`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from fpdf import FPDF

from shared.rendering.document import Cell, ColumnSpec, TableBlock
from shared.rendering.fonts import FAMILY
from shared.rendering.pdf_fonts import PdfFonts, TextMeasure
from shared.rendering.rows import LimitedRows, NumberFormat, display_text, is_numeric

FONT = FAMILY
FONT_SIZE = 8.0
ROW_HEIGHT = 5.0
HEADER_HEIGHT = 6.0
"""Height of a one-line header row; each further line of a wrapped column title adds HEADER_LINE."""
HEADER_LINE = 3.4
HEADER_MAX_LINES = 3
PADDING = 1.5
BASELINE = 3.4
"""Distance from a row's top to the text baseline (8 pt in a 5 mm row)."""
SAMPLE_ROWS = 40
"""Rows read ahead to size the columns: never more than a page holds."""
TEXT_MIN_WIDTH = 18.0
TEXT_MAX_WIDTH = 90.0
_ZEBRA = (244, 246, 249)
_HEADER_FILL = (226, 231, 238)
_RULE = (170, 178, 189)


@dataclass(frozen=True)
class TableLayout:
    widths: list[float]
    landscape: bool

    @classmethod
    def plan(
        cls,
        columns: Sequence[ColumnSpec],
        sample: Sequence[Sequence[str]],
        body: TextMeasure,
        header: TextMeasure,
        portrait_width: float,
        landscape_width: float,
    ) -> TableLayout:
        """Natural widths from the header and the sampled cells; text columns give way first, then landscape."""
        natural: list[float] = []
        minimum: list[float] = []
        for index, column in enumerate(columns):
            content = max((body.width(texts[index]) for texts in sample), default=0.0)
            title = header.width(column.title)
            longest_word = max((header.width(word) for word in column.title.split()), default=0.0)
            if column.kind == "text":
                wanted = min(max(content, title), TEXT_MAX_WIDTH)
                natural.append(wanted + 2 * PADDING)
                minimum.append(min(wanted, TEXT_MIN_WIDTH) + 2 * PADDING)
            else:
                natural.append(max(content, min(title, 28.0)) + 2 * PADDING)
                minimum.append(max(content, min(longest_word, 28.0)) + 2 * PADDING)
        landscape = sum(minimum) > portrait_width
        available = landscape_width if landscape else portrait_width
        return cls(_fit_widths(natural, minimum, columns, available), landscape)


def _fit_widths(
    natural: list[float], minimum: list[float], columns: Sequence[ColumnSpec], available: float
) -> list[float]:
    """Spare room goes to the text columns; a shortfall is taken from text columns first, then from the others
    (down to their minimum, where titles wrap), and last by scaling everything down (cells then cut with "...")."""
    widths = list(natural)
    text_indexes = [i for i, column in enumerate(columns) if column.kind == "text"]
    if sum(widths) <= available:
        grow = text_indexes or list(range(len(columns)))
        spare = available - sum(widths)
        room = sum(widths[i] for i in grow)
        for i in grow:
            widths[i] += spare * natural[i] / room
        return widths
    other_indexes = [i for i in range(len(columns)) if i not in text_indexes]
    for indexes in (text_indexes, other_indexes):
        excess = sum(widths) - available
        slack = sum(widths[i] - minimum[i] for i in indexes)
        if excess <= 0 or slack <= 0:
            continue
        share = min(1.0, excess / slack)
        for i in indexes:
            widths[i] -= (widths[i] - minimum[i]) * share
    total = sum(widths)
    return [w * available / total for w in widths] if total > available else widths


class TableDrawer:
    """Draws one TableBlock, streaming its rows; the caller has placed the cursor where the table starts."""

    def __init__(
        self, pdf: FPDF, fonts: PdfFonts, table: TableBlock, bottom_margin: float, numbers: NumberFormat
    ) -> None:
        self.pdf = pdf
        self.fonts = fonts
        self.table = table
        self.rows = LimitedRows(table)
        self.bottom_margin = bottom_margin
        self.numbers = numbers
        self.body = TextMeasure(pdf, fonts, "", FONT_SIZE)
        self.header = TextMeasure(pdf, fonts, "B", FONT_SIZE)
        self.numeric = [is_numeric(column) for column in table.columns]
        self.titles = [fonts.line(column.title) for column in table.columns]

    def texts(self, row: Mapping[str, Cell]) -> list[str]:
        """The row's cells as they are drawn (formatted, prepared for the fonts)."""
        line, numbers = self.fonts.line, self.numbers
        return [line(display_text(row.get(column.key), column.kind, numbers)) for column in self.table.columns]

    def plan(self) -> tuple[TableLayout, Iterator[list[str]]]:
        stream = map(self.texts, self.rows)
        sample = list(islice(stream, SAMPLE_ROWS))
        pdf = self.pdf
        portrait = min(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin
        landscape = max(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin
        columns = [
            column.model_copy(update={"title": title})
            for column, title in zip(self.table.columns, self.titles, strict=True)
        ]
        layout = TableLayout.plan(columns, sample, self.body, self.header, portrait, landscape)
        return layout, chain(sample, stream)

    def draw(self, layout: TableLayout, rows: Iterator[list[str]]) -> None:
        pdf = self.pdf
        cells = list(zip(layout.widths, self.numeric, strict=True))
        limit_y = pdf.h - self.bottom_margin
        header_lines = self._header_lines(layout.widths)
        y = self._header_row(layout.widths, header_lines)
        pdf.set_fill_color(*_ZEBRA)
        fit, width, is_plain = self.body.fit, self.body.width, self.fonts.is_plain
        draw, draw_plain = self.body.draw, self.body.draw_plain
        left = pdf.l_margin
        table_width = sum(layout.widths)
        for index, row in enumerate(rows):
            if y + ROW_HEIGHT > limit_y:
                pdf.add_page(orientation="L" if layout.landscape else "P")
                y = self._header_row(layout.widths, header_lines)
                pdf.set_fill_color(*_ZEBRA)
            if index % 2:
                pdf.rect(left, y, table_width, ROW_HEIGHT, style="F")
            x = left
            baseline = y + BASELINE
            plain: list[tuple[float, float, str]] = []
            for value, (column_width, numeric) in zip(row, cells, strict=True):
                if value:
                    room = column_width - 2 * PADDING
                    value_width = width(value)
                    if value_width > room + 0.01:
                        value = fit(value, room)
                        value_width = width(value)
                    offset = column_width - PADDING - value_width if numeric else PADDING
                    if is_plain(value):
                        plain.append((x + offset, baseline, value))
                    else:
                        draw(x + offset, baseline, value)
                x += column_width
            draw_plain(plain)
            y += ROW_HEIGHT
        pdf.set_draw_color(*_RULE)
        pdf.line(left, y, left + table_width, y)
        pdf.set_y(y + 2)
        if self.rows.written == 0:
            pdf.set_font(FONT, "I", 9)
            pdf.cell(0, 6, "No rows.", new_x="LMARGIN", new_y="NEXT")

    def _header_lines(self, widths: list[float]) -> list[list[str]]:
        return [
            self.header.wrap(title, width - 2 * PADDING, HEADER_MAX_LINES)
            for title, width in zip(self.titles, widths, strict=True)
        ]

    def _header_row(self, widths: list[float], lines: list[list[str]]) -> float:
        """Draw the header row at the cursor; returns the y where the first body row goes."""
        pdf = self.pdf
        y = pdf.get_y()
        left = pdf.l_margin
        height = HEADER_HEIGHT + HEADER_LINE * (max(len(title) for title in lines) - 1)
        pdf.set_fill_color(*_HEADER_FILL)
        pdf.rect(left, y, sum(widths), height, style="F")
        pdf.set_draw_color(*_RULE)
        pdf.line(left, y + height, left + sum(widths), y + height)
        pdf.set_font(FONT, "B", FONT_SIZE)
        x = left
        for title, column_width, numeric in zip(lines, widths, self.numeric, strict=True):
            for number, line in enumerate(title):
                offset = column_width - PADDING - self.header.width(line) if numeric else PADDING
                self.header.draw(x + offset, y + BASELINE + 0.5 + number * HEADER_LINE, line)
            x += column_width
        pdf.set_font(FONT, "", FONT_SIZE)
        return y + height
