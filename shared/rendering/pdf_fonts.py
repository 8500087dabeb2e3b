"""The fonts of one PDF: DejaVu Sans registered up front, fallbacks added when a string first needs them, and a fast
path for the common case.

A string whose every character DejaVu has and that needs no shaping (no right-to-left or Indic script) is "plain": it
is measured from the font's width table and written into the page as fpdf2's `text()` writes it (a table row's cells
in one text object), which is what keeps a 10,000-row table fast.
Any other string goes through fpdf2's `cell()`/`get_string_width()`, which apply the fallback fonts, the bidi
algorithm and HarfBuzz text shaping."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import cast

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TTFFont

from shared.rendering.fonts import (
    COMPLEX_SCRIPTS,
    FALLBACKS,
    FAMILY,
    MAIN_FONTS,
    REPLACEMENT,
    Fallback,
    char_class,
    font_path,
)

ELLIPSIS = "…"
_CACHE_SIZE = 20_000
"""Distinct strings a measure remembers (widths, encodings): a few MB at most."""
_LINE_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029]+")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me", "Cs", "Co", "Cn"})
"""Characters that no font has and that are dropped rather than shown as "�" (controls, joiners, variation
selectors, unassigned)."""


@cache
def _main_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(not in DejaVu, not plain): patterns matching a character DejaVu (regular and bold) lacks, and one that is not
    plain. The oblique face, used only for the renderer's own notices, lacks Arabic."""
    with TTFont(font_path(MAIN_FONTS[0]), lazy=True) as font:
        codes = set(font.getBestCmap())
    for bold in MAIN_FONTS[1:2]:
        with TTFont(font_path(bold), lazy=True) as font:
            codes &= set(font.getBestCmap())
    codes -= {code for code in range(0x20)}
    plain = {code for code in codes if not COMPLEX_SCRIPTS.match(chr(code))}
    return re.compile(f"[^{char_class(codes)}]"), re.compile(f"[^{char_class(plain)}]")


class PdfFonts:
    """Registers the fonts on `pdf` and prepares strings for them."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        for font in MAIN_FONTS:
            pdf.add_font(font.family, font.style, str(font_path(font)))
        pdf.set_text_shaping(True)
        self._outside, self._not_plain = _main_patterns()
        self._known: set[str] = {"\n"}
        self._loaded: list[str] = []

    def is_plain(self, text: str) -> bool:
        return (text.isascii() and text.isprintable()) or self._not_plain.search(text) is None

    def prepare(self, text: str) -> str:
        """`text` ready to draw: the fallback fonts it needs loaded; a character no font has is dropped (controls,
        joiners, variation selectors) or replaced by "�"."""
        if (text.isascii() and text.isprintable()) or self._outside.search(text) is None:
            return text
        unknown = {char for char in self._outside.findall(text) if char not in self._known}
        if not unknown:
            return text
        missing = {char for char in unknown if not self._load_for(char)}
        if not missing:
            return text
        return "".join(
            ("" if unicodedata.category(char) in _DROPPED_CATEGORIES else REPLACEMENT) if char in missing else char
            for char in text
        )

    def line(self, text: str) -> str:
        """`prepare(text)` on one line: tabs and line breaks become spaces."""
        if text.isascii() and text.isprintable():
            return text
        return self.prepare(_LINE_BREAKS.sub(" ", text))

    def _load_for(self, char: str) -> bool:
        code = ord(char)
        for fallback in FALLBACKS:
            if fallback.covers(code) and code in self._font(fallback).cmap:
                self._known.add(char)
                return True
        return False

    def _font(self, fallback: Fallback) -> TTFFont:
        family = fallback.font.family
        if family not in self._loaded:
            self.pdf.add_font(family, fallback.font.style, str(font_path(fallback.font)))
            self._loaded.append(family)
            self.pdf.set_fallback_fonts(self._loaded, exact_match=False)
        return cast("TTFFont", self.pdf.fonts[family])


class TextMeasure:
    """Measures, cuts and draws single-line strings in one style and size of the main font; plain strings from the
    width table (fpdf2's own get_string_width costs more than drawing the text), others through fpdf2."""

    def __init__(self, pdf: FPDF, fonts: PdfFonts, style: str, size_pt: float) -> None:
        pdf.set_font(FAMILY, style, size_pt)
        assert pdf.current_font is not None
        self.pdf = pdf
        self.fonts = fonts
        self.style = style
        self.size_pt = size_pt
        self._cw = cast("dict[int, float]", pdf.current_font.cw)
        self._scale = size_pt * 0.001 / pdf.k
        self._ellipsis = sum(self._cw[ord(c)] for c in ELLIPSIS)
        self._widths: dict[str, float] = {}
        self._encoded: dict[str, str] = {}
        """Plain strings already measured / encoded: table columns repeat their values (sites, dates, Yes/No)."""

    def use(self) -> None:
        """Select this measure's font on the PDF."""
        pdf = self.pdf
        if pdf.font_family != FAMILY or pdf.font_style != self.style or pdf.font_size_pt != self.size_pt:
            pdf.set_font(FAMILY, self.style, self.size_pt)

    def width(self, text: str) -> float:
        known = self._widths.get(text)
        if known is not None:
            return known
        if self.fonts.is_plain(text):
            cw = self._cw
            width = sum(cw[ord(c)] for c in text) * self._scale
            if len(self._widths) < _CACHE_SIZE:
                self._widths[text] = width
            return width
        self.use()
        return self.pdf.get_string_width(text)

    def fit(self, text: str, width: float) -> str:
        """`text` cut with "…" so that it is at most `width` mm wide."""
        if self.width(text) <= width + 0.01:
            return text
        if self.fonts.is_plain(text):
            budget = width / self._scale - self._ellipsis
            used = 0.0
            cw = self._cw
            for index, char in enumerate(text):
                used += cw[ord(char)]
                if used > budget:
                    return text[:index].rstrip() + ELLIPSIS
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(text[:middle].rstrip() + ELLIPSIS) <= width + 0.01:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + ELLIPSIS if low else ""

    def wrap(self, text: str, width: float, max_lines: int) -> list[str]:
        """`text` broken at spaces into at most `max_lines` lines of at most `width` mm, the last cut with "…"."""
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

    def draw_plain(self, cells: list[tuple[float, float, str]]) -> None:
        """Draw plain strings, each at (x, baseline), in one text object: what `FPDF.text()` writes for each, without
        its per-call overhead (the 10,000-row table's hot path)."""
        if not cells:
            return
        pdf = self.pdf
        self.use()
        if not pdf.current_font_is_set_on_page:
            x, y, text = cells[0]
            pdf.text(x, y, text)  # fpdf2 selects the font on the page with the first text drawn there
            cells = cells[1:]
        font = pdf.current_font
        assert font is not None
        assert pdf.text_color is not None
        encode, k, height = font.encode_text, pdf.k, pdf.h
        operations = " ".join(f"1 0 0 1 {x * k:.2f} {(height - y) * k:.2f} Tm {encode(text)}" for x, y, text in cells)
        pdf._out(f"q {pdf.text_color.serialize().lower()} BT {operations} ET Q")

    def draw(self, x: float, baseline: float, text: str) -> None:
        """Draw `text` (prepared, one line) starting at `x` on `baseline`, in this measure's font."""
        pdf = self.pdf
        self.use()
        if self.fonts.is_plain(text):
            pdf.text(x, baseline, text)
            return
        height = self.size_pt / pdf.k
        auto, bottom, margin = pdf.auto_page_break, pdf.b_margin, pdf.c_margin
        pdf.set_auto_page_break(False)
        pdf.c_margin = 0
        pdf.set_xy(x, baseline - 0.8 * height)
        pdf.cell(self.width(text) + 0.01, height, text)
        pdf.c_margin = margin
        pdf.set_auto_page_break(auto, bottom)
