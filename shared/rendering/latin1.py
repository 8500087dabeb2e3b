"""Text made safe for the PDF core fonts, which encode latin-1 only: common typography is transliterated, accented
letters lose their accents, anything else becomes "?". Never raises."""

from __future__ import annotations

import unicodedata

_TYPOGRAPHY = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u2022": "\u00b7",
        "\u2027": "\u00b7",
        "\u20ac": "EUR",
        "\u2122": "(TM)",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2260": "!=",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def to_latin1(text: str) -> str:
    """`text` unchanged when it is latin-1 already (the fast path), otherwise its closest latin-1 spelling."""
    if text.isascii():
        return text
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        pass
    out: list[str] = []
    for char in text.translate(_TYPOGRAPHY):
        if ord(char) < 256:
            out.append(char)
            continue
        stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(stripped if stripped and all(ord(c) < 256 for c in stripped) else "?")
    return "".join(out)
