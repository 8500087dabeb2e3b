"""Bar and line charts drawn with fpdf2 primitives: axes with rounded ticks, gridlines, category labels, a legend."""

from __future__ import annotations

import math
from collections.abc import Callable

from fpdf import FPDF

from shared.rendering.document import ChartBlock
from shared.rendering.fonts import FAMILY
from shared.rendering.pdf_fonts import PdfFonts, TextMeasure
from shared.rendering.rows import NumberFormat, display_text

PALETTE = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
]
CHART_HEIGHT = 70.0
AXIS_LABEL_WIDTH = 16.0
LABEL_BAND = 6.0
LEGEND_ROW = 5.0


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (0 included), about `count` intervals."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def chart_height(block: ChartBlock) -> float:
    """Vertical space the chart needs, legend included."""
    return CHART_HEIGHT + LABEL_BAND + LEGEND_ROW * math.ceil(len(block.series) / 4) + 4


def draw_chart(pdf: FPDF, fonts: PdfFonts, block: ChartBlock, numbers: NumberFormat) -> None:
    """Draw `block` at the cursor across the page width; the cursor ends below the legend."""
    values = [v for series in block.series.values() for v in series if _finite(v)]
    if not block.labels or not values:
        pdf.set_font(FAMILY, "I", 9)
        pdf.cell(0, 6, "No data to chart.", new_x="LMARGIN", new_y="NEXT")
        return
    ticks = nice_ticks(min(values), max(values))
    top = pdf.get_y() + 2
    left = pdf.l_margin + AXIS_LABEL_WIDTH
    width = pdf.w - pdf.r_margin - left
    bottom = top + CHART_HEIGHT
    span = ticks[-1] - ticks[0]

    def y_of(value: float) -> float:
        return bottom - (value - ticks[0]) / span * CHART_HEIGHT

    _axes(pdf, TextMeasure(pdf, fonts, "", 7), numbers, ticks, left, width, top, bottom, y_of)
    slot = width / len(block.labels)
    if block.chart == "bar":
        _bars(pdf, block, left, slot, y_of)
    else:
        _lines(pdf, block, left, slot, y_of)
    _category_labels(pdf, TextMeasure(pdf, fonts, "", 7), block.labels, left, slot, bottom)
    _legend(pdf, TextMeasure(pdf, fonts, "", 8), list(block.series), left, bottom + LABEL_BAND)


def _axes(
    pdf: FPDF,
    measure: TextMeasure,
    numbers: NumberFormat,
    ticks: list[float],
    left: float,
    width: float,
    top: float,
    bottom: float,
    y_of: Callable[[float], float],
) -> None:
    pdf.set_line_width(0.1)
    for tick in ticks:
        y = y_of(tick)
        pdf.set_draw_color(225, 225, 225)
        pdf.line(left, y, left + width, y)
        label = measure.fonts.line(display_text(int(tick) if float(tick).is_integer() else tick, "float", numbers))
        measure.draw(left - 1.5 - measure.width(label), y + 1.0, label)
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.25)
    pdf.line(left, top, left, bottom)
    zero = y_of(0.0)
    pdf.line(left, zero, left + width, zero)
    pdf.set_line_width(0.2)


def _bars(pdf: FPDF, block: ChartBlock, left: float, slot: float, y_of: Callable[[float], float]) -> None:
    group = slot * 0.8
    bar = group / max(len(block.series), 1)
    zero = y_of(0.0)
    for s, (_name, series) in enumerate(block.series.items()):
        pdf.set_fill_color(*PALETTE[s % len(PALETTE)])
        for i, value in enumerate(series[: len(block.labels)]):
            if not _finite(value) or value == 0:
                continue
            x = left + i * slot + slot * 0.1 + s * bar
            y = y_of(value)
            pdf.rect(x, min(y, zero), bar, abs(zero - y), style="F")


def _lines(pdf: FPDF, block: ChartBlock, left: float, slot: float, y_of: Callable[[float], float]) -> None:
    pdf.set_line_width(0.5)
    for s, (_name, series) in enumerate(block.series.items()):
        color = PALETTE[s % len(PALETTE)]
        pdf.set_draw_color(*color)
        pdf.set_fill_color(*color)
        points = [
            (left + (i + 0.5) * slot, y_of(value))
            for i, value in enumerate(series[: len(block.labels)])
            if _finite(value)
        ]
        if len(points) > 1:
            pdf.polyline(points)
        for x, y in points:
            pdf.circle(x, y, 0.8, style="F")
    pdf.set_line_width(0.2)


def _category_labels(
    pdf: FPDF, measure: TextMeasure, labels: list[str], left: float, slot: float, bottom: float
) -> None:
    texts = [measure.fonts.line(label) for label in labels]
    widest = max(measure.width(text) for text in texts)
    every = max(1, math.ceil((widest + 2) / slot)) if widest > slot - 1 else 1
    room = slot * every - 1
    for i in range(0, len(texts), every):
        text = measure.fit(texts[i], room)
        x = left + (i + 0.5) * slot - measure.width(text) / 2
        measure.draw(x, bottom + 4, text)


def _legend(pdf: FPDF, measure: TextMeasure, names: list[str], left: float, top: float) -> None:
    column = (pdf.w - pdf.r_margin - left) / 4
    for s, name in enumerate(names):
        x = left + (s % 4) * column
        y = top + (s // 4) * LEGEND_ROW
        pdf.set_fill_color(*PALETTE[s % len(PALETTE)])
        pdf.rect(x, y + 0.8, 3, 3, style="F")
        measure.draw(x + 4.5, y + 3.4, measure.fit(measure.fonts.line(name), column - 6))
    pdf.set_y(top + LEGEND_ROW * math.ceil(len(names) / 4) + 2)
