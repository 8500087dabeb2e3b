"""The fonts embedded (subset) in every PDF, and where their files are.

DejaVu Sans (regular, bold, oblique) is the main font: Latin, Greek, Cyrillic, Hebrew, Arabic and many symbols. For
the scripts it lacks, Noto fonts are fallbacks that are loaded only when the text needs them (a CJK font is 6-11 MB to
parse): Noto Sans SC (Chinese, Japanese kana), Noto Sans KR (Hangul), Noto Sans Devanagari and Noto Emoji
(monochrome). A character that no font has is drawn as U+FFFD "�" (never a .notdef box).

The files come from npm packages (`layers/dependencies/package.json`); `make fonts` copies the ones named in
`FONT_FILES` into `layers/dependencies/fonts/`, and the CDK build copies that folder into the dependency layer, which
Lambda mounts at `/opt/fonts`. Nothing is downloaded at run time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LAMBDA_FONT_DIR = Path("/opt/fonts")
"""Where the dependency layer puts the fonts in Lambda."""
LOCAL_FONT_DIR = Path(__file__).resolve().parents[2] / "layers" / "dependencies" / "fonts"
"""Where `make fonts` puts them in a checkout (tests, the local twin, benchmarks)."""

FAMILY = "dejavu"
"""The main font family as registered with fpdf2."""
REPLACEMENT = "\ufffd"
"""Drawn for a character that no font has."""


@dataclass(frozen=True)
class FontFile:
    family: str
    style: str
    file: str
    source: str
    """Path of the file inside `node_modules` (the npm package it comes from)."""


MAIN_FONTS = (
    FontFile(FAMILY, "", "DejaVuSans.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
    FontFile(FAMILY, "B", "DejaVuSans-Bold.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
    FontFile(FAMILY, "I", "DejaVuSans-Oblique.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf"),
)


@dataclass(frozen=True)
class Fallback:
    font: FontFile
    ranges: tuple[tuple[int, int], ...]
    """Code point ranges (inclusive) this font is loaded for; whether it really has a glyph is read from its cmap."""

    def covers(self, code: int) -> bool:
        return any(low <= code <= high for low, high in self.ranges)


FALLBACKS = (
    Fallback(
        FontFile(
            "notosanssc",
            "",
            "NotoSansSC-Regular.ttf",
            "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
        ),
        (
            (0x2E80, 0x2FDF),
            (0x3000, 0x30FF),
            (0x3190, 0x31FF),
            (0x3200, 0x33FF),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFE30, 0xFE4F),
            (0xFF00, 0xFFEF),
            (0x20000, 0x3134F),
        ),
    ),
    Fallback(
        FontFile(
            "notosanskr",
            "",
            "NotoSansKR-Regular.ttf",
            "@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf",
        ),
        ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF)),
    ),
    Fallback(
        FontFile(
            "notosansdevanagari",
            "",
            "NotoSansDevanagari-Regular.ttf",
            "@expo-google-fonts/noto-sans-devanagari/400Regular/NotoSansDevanagari_400Regular.ttf",
        ),
        ((0x0900, 0x097F), (0x1CD0, 0x1CFF), (0xA8E0, 0xA8FF)),
    ),
    Fallback(
        FontFile(
            "notoemoji",
            "",
            "NotoEmoji-Regular.ttf",
            "@expo-google-fonts/noto-emoji/400Regular/NotoEmoji_400Regular.ttf",
        ),
        ((0x0000, 0x10FFFF),),
    ),
)
"""In the order they are tried; Noto Emoji is the last resort for any other character."""

FONT_FILES = (*MAIN_FONTS, *(fallback.font for fallback in FALLBACKS))

COMPLEX_SCRIPTS = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufb1d-\ufdff\ufe70-\ufeff]"
)
"""Right-to-left and Indic (and other shaped) scripts: drawn through fpdf2's text shaping (HarfBuzz) and bidi."""


class FontsMissing(RuntimeError):
    """The font files are not where the build puts them (run `make fonts`)."""


@cache
def font_dir() -> Path:
    """The folder holding `FONT_FILES`: the Lambda layer's, else the checkout's."""
    for folder in (LAMBDA_FONT_DIR, LOCAL_FONT_DIR):
        if (folder / MAIN_FONTS[0].file).is_file():
            return folder
    raise FontsMissing(f"no {MAIN_FONTS[0].file} in {LAMBDA_FONT_DIR} or {LOCAL_FONT_DIR}: run `make fonts`")


def font_path(font: FontFile) -> Path:
    return font_dir() / font.file


def char_class(codes: set[int]) -> str:
    """A regular-expression character class body matching exactly `codes`."""
    parts: list[str] = []
    ordered = sorted(codes)
    start = previous = ordered[0] if ordered else 0
    for code in [*ordered[1:], -1]:
        if code == previous + 1:
            previous = code
            continue
        parts.append(
            re.escape(chr(start)) if start == previous else f"{re.escape(chr(start))}-{re.escape(chr(previous))}"
        )
        start = previous = code
    return "".join(parts) if ordered else ""
