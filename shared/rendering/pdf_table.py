"""Tables in the PDF: a plain text() loop (fpdf2's cell() is 5x and table() 50x slower at 10,000 rows, see
docs/rendering.md), column widths from the column kinds and the first rows, numbers right-aligned, long text cut with
"...", the header row repeated on every page, and the truncation notice below the table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import cast

from fpdf import FPDF

from shared.rendering.document import Cell, ColumnSpec, TableBlock
from shared.rendering.latin1 import to_latin1
from shared.rendering.rows import LimitedRows, display_text, is_numeric

FONT = "helvetica"
FONT_SIZE = 8.0
ROW_HEIGHT = 5.0
HEADER_HEIGHT = 6.0
"""Height of a one-line header row; each further line of a wrapped column title adds HEADER_LINE."""
HEADER_LINE = 3.4
HEADER_MAX_LINES = 3
PADDING = 1.5
BASELINE = 3.4
"""Distance from a row's top to the text baseline (8 pt Helvetica in a 5 mm row)."""
SAMPLE_ROWS = 40
"""Rows read ahead to size the columns: never more than a page holds."""
TEXT_MIN_WIDTH = 18.0
TEXT_MAX_WIDTH = 90.0
ELLIPSIS = "..."
_ZEBRA = (244, 246, 249)
_HEADER_FILL = (226, 231, 238)
_RULE = (170, 178, 189)


class TextMeasure:
    """String widths in mm for one core font, from its character-width table (fpdf2's own get_string_width costs
    more than drawing the text)."""

    def __init__(self, pdf: FPDF, style: str, size_pt: float) -> None:
        pdf.set_font(FONT, style, size_pt)
        assert pdf.current_font is not None
        # Core fonts key their width table by character (fpdf2's annotation says int).
        self._cw = cast("dict[str, float]", pdf.current_font.cw)
        self._scale = size_pt * 0.001 / pdf.k

    def width(self, text: str) -> float:
        cw = self._cw
        return sum(cw[c] for c in text) * self._scale

    def fit(self, text: str, width: float) -> str:
        """`text` cut with "..." so that it is at most `width` mm wide."""
        if self.width(text) <= width + 0.01:
            return text
        budget = width / self._scale - sum(self._cw[c] for c in ELLIPSIS)
        used = 0.0
        for index, char in enumerate(text):
            used += self._cw[char]
            if used > budget:
                return text[:index].rstrip() + ELLIPSIS
        return text

    def wrap(self, text: str, width: float, max_lines: int) -> list[str]:
        """`text` broken at spaces into at most `max_lines` lines of at most `width` mm, the last cut with "..."."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        if len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
        return [self.fit(line, width) for line in lines]


@dataclass(frozen=True)
class TableLayout:
    widths: list[float]
    landscape: bool

    @classmethod
    def plan(
        cls,
        columns: Sequence[ColumnSpec],
        sample: Sequence[Mapping[str, Cell]],
        body: TextMeasure,
        header: TextMeasure,
        portrait_width: float,
        landscape_width: float,
    ) -> TableLayout:
        """Natural widths from the header and the sampled cells; text columns give way first, then landscape."""
        natural: list[float] = []
        minimum: list[float] = []
        for column in columns:
            content = max(
                (body.width(to_latin1(display_text(row.get(column.key), column.kind))) for row in sample), default=0.0
            )
            title = header.width(to_latin1(column.title))
            longest_word = max((header.width(word) for word in to_latin1(column.title).split()), default=0.0)
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

    def __init__(self, pdf: FPDF, table: TableBlock, bottom_margin: float) -> None:
        self.pdf = pdf
        self.table = table
        self.rows = LimitedRows(table)
        self.bottom_margin = bottom_margin
        self.body = TextMeasure(pdf, "", FONT_SIZE)
        self.header = TextMeasure(pdf, "B", FONT_SIZE)
        self.numeric = [is_numeric(column) for column in table.columns]

    def plan(self) -> tuple[TableLayout, Iterator[Mapping[str, Cell]]]:
        stream = iter(self.rows)
        sample = list(islice(stream, SAMPLE_ROWS))
        pdf = self.pdf
        portrait = min(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin
        landscape = max(pdf.w, pdf.h) - pdf.l_margin - pdf.r_margin
        layout = TableLayout.plan(self.table.columns, sample, self.body, self.header, portrait, landscape)
        return layout, chain(sample, stream)

    def draw(self, layout: TableLayout, rows: Iterator[Mapping[str, Cell]]) -> None:
        pdf = self.pdf
        columns = self.table.columns
        keys = [column.key for column in columns]
        kinds = [column.kind for column in columns]
        cells = list(zip(keys, kinds, layout.widths, self.numeric, strict=True))
        limit_y = pdf.h - self.bottom_margin
        header_lines = self._header_lines(layout.widths)
        y = self._header_row(layout.widths, header_lines)
        pdf.set_fill_color(*_ZEBRA)
        fit, width = self.body.fit, self.body.width
        text = pdf.text
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
            for key, kind, column_width, numeric in cells:
                value = to_latin1(display_text(row.get(key), kind))
                if value:
                    value = fit(value, column_width - 2 * PADDING)
                    offset = column_width - PADDING - width(value) if numeric else PADDING
                    text(x + offset, baseline, value)
                x += column_width
            y += ROW_HEIGHT
        pdf.set_draw_color(*_RULE)
        pdf.line(left, y, left + table_width, y)
        pdf.set_y(y + 2)
        if self.rows.written == 0:
            pdf.set_font(FONT, "I", 9)
            pdf.cell(0, 6, "No rows.", new_x="LMARGIN", new_y="NEXT")

    def _header_lines(self, widths: list[float]) -> list[list[str]]:
        return [
            self.header.wrap(to_latin1(column.title), width - 2 * PADDING, HEADER_MAX_LINES)
            for column, width in zip(self.table.columns, widths, strict=True)
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
                pdf.text(x + offset, y + BASELINE + 0.5 + number * HEADER_LINE, line)
            x += column_width
        pdf.set_font(FONT, "", FONT_SIZE)
        return y + height
