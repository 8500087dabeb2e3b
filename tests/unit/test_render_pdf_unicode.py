"""Every script renders as itself: a corpus in titles, headers, table cells, chart labels and paragraphs is read back
with poppler's pdftotext; no .notdef glyph is drawn; every font is embedded and subset (pdffonts); the PDF has its
title, language, outline and tags; a report locale formats numbers and dates."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from pypdf import PdfReader
from pypdf.generic import ContentStream

from shared.rendering import fonts
from shared.rendering.document import ChartBlock, ColumnSpec, Document, ParagraphBlock, SummaryBlock, TableBlock
from shared.rendering.fonts import REPLACEMENT
from shared.rendering.pdf import render_pdf

GENERATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CORPUS = {
    "polish": "Zażółć gęślą jaźń — Łódź",
    "greek": "Ελληνικό Κέντρο Αθηνών",
    "cyrillic": "Клинический центр Москва",
    "chinese": "北京临床研究中心",
    "japanese": "東京とうきょうカタカナ",
    "korean": "서울 임상 센터",
    "arabic": "مركز البحوث السريرية",
    "hebrew": "מרכז מחקר קליני",
    "devanagari": "नैदानिक अनुसंधान केंद्र",
    "emoji": "Status ✅ 😀 🎉",
}
_INVISIBLE = re.compile("[\\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def _pdftotext(data: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as poppler extracts it."""
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils is not installed: run `make poppler` (make test does)")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return text.decode("utf-8").split("\f")


def _squeezed(text: str) -> str:
    """Text without whitespace and bidi marks: pdftotext breaks shaped Devanagari clusters with spaces and wraps
    right-to-left runs in embedding marks; the characters and their order must survive."""
    return _INVISIBLE.sub("", text)


def _corpus_document(locale: str | None = None) -> Document:
    names = list(CORPUS.values())
    columns = [
        ColumnSpec(key="script", title=f"Script {CORPUS['polish']}"),
        ColumnSpec(key="site", title=f"Site {CORPUS['japanese']}"),
        ColumnSpec(key="visits", title=f"Visits {CORPUS['cyrillic']}", kind="int"),
        ColumnSpec(key="day", title=f"Day {CORPUS['greek']}", kind="date"),
    ]
    rows = [
        {
            "script": key,
            "site": text,
            "visits": 1234 * (index + 1),
            "day": date(2026, 3, index + 1),
        }
        for index, (key, text) in enumerate(CORPUS.items())
    ]
    return Document(
        title=f"Report {CORPUS['polish']} {CORPUS['chinese']}",
        subtitle=f"{CORPUS['arabic']} / {CORPUS['hebrew']}",
        generated_at=GENERATED,
        metadata={CORPUS["greek"]: CORPUS["cyrillic"], "Korean": CORPUS["korean"]},
        locale=locale,
        blocks=[
            SummaryBlock(title=f"Key figures {CORPUS['devanagari']}", items=[(CORPUS["korean"], CORPUS["emoji"])]),
            ChartBlock(
                title=f"Chart {CORPUS['greek']}",
                labels=["Łódź", "Αθήνα", "Москва", "北京", "東京", "서울"],
                series={CORPUS["hebrew"]: [1, 2, 3, 4, 5, 6], CORPUS["arabic"]: [2, 1, 2, 1, 2, 1]},
            ),
            TableBlock(title=f"Sites {CORPUS['korean']}", columns=columns, rows=rows),
            ParagraphBlock(heading=f"Notes {CORPUS['hebrew']}", text="\n\n".join(names)),
        ],
    )


def _render(document: Document) -> bytes:
    out = io.BytesIO()
    render_pdf(document, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def corpus_pdf() -> bytes:
    return _render(_corpus_document())


def test_every_script_reads_back_as_itself_everywhere(corpus_pdf: bytes, tmp_path: Path) -> None:
    pages = [_squeezed(page) for page in _pdftotext(corpus_pdf, tmp_path)]
    title_page, body = pages[0], "".join(pages[1:])
    assert _squeezed(f"Report {CORPUS['polish']} {CORPUS['chinese']}") in title_page
    assert _squeezed(CORPUS["arabic"]) in title_page
    assert _squeezed(CORPUS["hebrew"]) in title_page
    assert _squeezed(f"{CORPUS['greek']}{CORPUS['cyrillic']}") in title_page
    assert _squeezed(CORPUS["korean"]) in title_page
    for heading in (
        f"Key figures {CORPUS['devanagari']}",
        f"Chart {CORPUS['greek']}",
        f"Sites {CORPUS['korean']}",
        f"Notes {CORPUS['hebrew']}",
    ):
        assert _squeezed(heading) in body, heading
    for label in ["Łódź", "Αθήνα", "Москва", "北京", "東京", "서울", CORPUS["hebrew"], CORPUS["arabic"]]:
        assert _squeezed(label) in body, label
    for key, text in CORPUS.items():
        assert _squeezed(key + text) in body, key
    for header in ("polish", "japanese", "cyrillic", "greek"):
        assert _squeezed(CORPUS[header]) in body, header
    assert REPLACEMENT not in "".join(pages)


def test_the_rows_of_the_table_keep_their_script_and_order(corpus_pdf: bytes, tmp_path: Path) -> None:
    body = "".join(_squeezed(page) for page in _pdftotext(corpus_pdf, tmp_path)[1:])
    positions = [body.index(_squeezed(key + text)) for key, text in CORPUS.items()]
    assert positions == sorted(positions)
    assert body[positions[0] :].startswith(_squeezed(f"polish {CORPUS['polish']} 1,234 2026-03-01"))


def _drawn_codes(data: bytes) -> list[tuple[str, int]]:
    """(font, 2-byte code) of every glyph drawn with a Type0 font on every page."""
    reader = PdfReader(io.BytesIO(data))
    drawn: list[tuple[str, int]] = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        font = ""
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                font = str(operands[0])
            elif operator in (b"Tj", b"TJ"):
                assert fonts[font].get_object()["/Subtype"] == "/Type0"
                strings = operands[0] if operator == b"TJ" else [operands[0]]
                for string in strings:
                    if isinstance(string, bytes | str):
                        raw = string if isinstance(string, bytes) else string.encode("latin-1")
                        drawn += [(font, int.from_bytes(raw[i : i + 2], "big")) for i in range(0, len(raw), 2)]
    return drawn


def test_no_glyph_is_notdef(corpus_pdf: bytes) -> None:
    drawn = _drawn_codes(corpus_pdf)
    assert len(drawn) > 500
    assert [entry for entry in drawn if entry[1] == 0] == []


def test_every_font_is_embedded_and_subset(corpus_pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.fail("poppler-utils is not installed: run `make poppler` (make test does)")
    path = tmp_path / "report.pdf"
    path.write_bytes(corpus_pdf)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    fonts = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    names = {row[0].split("+", 1)[1] for row in fonts}
    assert {"DejaVuSansBook", "DejaVuSansBold", "NotoSansSC", "NotoSansKR", "NotoSansDevanagari", "NotoEmoji"} <= names
    for row in fonts:
        assert row[-5:-2] == ["yes", "yes", "yes"], row
    assert len(corpus_pdf) < 400_000


def test_latin_only_documents_do_not_load_the_fallback_fonts(tmp_path: Path) -> None:
    document = Document(
        title="Zażółć — Ελληνικά Кириллица",
        generated_at=GENERATED,
        blocks=[ParagraphBlock(heading="Ñandú", text="Łódź “quoted” … €")],
    )
    data = _render(document)
    path = tmp_path / "latin.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Noto" not in listing
    assert "Łódź “quoted” … €" in _pdftotext(data, tmp_path)[1]


def test_a_character_no_font_has_becomes_the_documented_replacement(tmp_path: Path) -> None:
    document = Document(
        title="Hieroglyph", generated_at=GENERATED, blocks=[ParagraphBlock(text="ankh \U00013000 end\u0378.")]
    )
    data = _render(document)
    assert f"ankh {REPLACEMENT} end." in _pdftotext(data, tmp_path)[1]
    assert [entry for entry in _drawn_codes(data) if entry[1] == 0] == []


def test_title_language_outline_and_tags(corpus_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(corpus_pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == f"Report {CORPUS['polish']} {CORPUS['chinese']}"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/PageMode"] == "/UseOutlines"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    outline = reader.outline
    assert outline[0].title == f"Report {CORPUS['polish']} {CORPUS['chinese']}"
    children = [item.title for item in outline[1]]
    assert children == [
        f"Key figures {CORPUS['devanagari']}",
        f"Chart {CORPUS['greek']}",
        f"Sites {CORPUS['korean']}",
        f"Notes {CORPUS['hebrew']}",
    ]
    assert reader.get_destination_page_number(outline[1][2]) == 1


def test_a_report_locale_formats_numbers_and_dates_and_sets_the_language(tmp_path: Path) -> None:
    data = _render(_corpus_document(locale="pl-PL"))
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "pl-PL"
    pages = _pdftotext(data, tmp_path)
    assert "2 mar 2026 09:00 UTC" in pages[0]
    body = "".join(pages[1:])
    assert "12\u00a0340" in body or "12 340" in body
    assert "1 mar 2026" in body


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(ValidationError, match="xx-YY"):
        Document(title="T", generated_at=GENERATED, locale="xx-YY")
    with pytest.raises(ValidationError, match="not a locale"):
        Document(title="T", generated_at=GENERATED, locale="../etc")
    assert Document(title="T", generated_at=GENERATED, locale="de-de").locale == "de_DE"


def test_missing_font_files_say_how_to_get_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "LAMBDA_FONT_DIR", tmp_path / "opt-fonts")
    monkeypatch.setattr(fonts, "LOCAL_FONT_DIR", tmp_path / "checkout-fonts")
    fonts.font_dir.cache_clear()
    try:
        with pytest.raises(fonts.FontsMissing, match="make fonts"):
            _render(Document(title="T", generated_at=GENERATED))
    finally:
        monkeypatch.undo()
        fonts.font_dir.cache_clear()
    assert fonts.font_dir() in (fonts.LAMBDA_FONT_DIR, fonts.LOCAL_FONT_DIR)
