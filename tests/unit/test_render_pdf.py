"""The PDF renderer, checked by opening its output with pypdf."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from shared.rendering.document import ChartBlock, ColumnSpec, Document, ImageBlock, ParagraphBlock, TableBlock
from shared.rendering.pdf import render_pdf
from shared.rendering.specimen import VISIT_COLUMNS, chart_png, specimen_document, visit_rows
from tests.support.counting_rows import CountingRows

GENERATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _render(document: Document) -> tuple[PdfReader, list[str], int]:
    out = io.BytesIO()
    result = render_pdf(document, out)
    assert result.content_type == "application/pdf"
    assert result.size_bytes == len(out.getvalue())
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert result.pages == len(reader.pages)
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    return reader, texts, result.rows_written


def _table_document(rows: int, row_limit: int | None, total: int | None, title: str = "Visits") -> Document:
    table = TableBlock(title=title, columns=VISIT_COLUMNS, rows=visit_rows(rows), row_limit=row_limit, total_rows=total)
    return Document(title="Usage Summary", generated_at=GENERATED, blocks=[table])


def test_every_page_has_page_n_of_m_and_table_pages_repeat_the_header() -> None:
    reader, texts, written = _render(_table_document(1_500, row_limit=1_000, total=None))
    pages = len(reader.pages)
    assert written == 1_000
    assert pages > 10
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
    for text in texts[1:]:
        assert "Participant" in text
        assert "Systolic (mmHg)" in text
    assert "Showing the first 1,000 rows; more were available." in texts[-1]


def test_every_row_is_drawn_once_in_order() -> None:
    _reader, texts, _ = _render(_table_document(130, row_limit=None, total=None))
    body = "\n".join(texts[1:])
    ids = [int(match) for match in re.findall(r"(\d+) P-\d{4}", body)]
    assert ids == list(range(1, 131))


def test_truncation_notice_names_the_total_when_known() -> None:
    _reader, texts, written = _render(_table_document(12_345, row_limit=50, total=12_345))
    assert written == 50
    assert "Showing the first 50 of 12,345 rows." in texts[-1]


def test_no_notice_when_every_row_fits() -> None:
    _reader, texts, written = _render(_table_document(40, row_limit=1_000, total=40))
    assert written == 40
    assert "Showing the first" not in "".join(texts)


def test_rows_are_streamed_and_read_only_up_to_the_limit() -> None:
    source = CountingRows(100_000)
    table = TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=source, row_limit=200)
    out = io.BytesIO()
    result = render_pdf(Document(title="T", generated_at=GENERATED, blocks=[table]), out)
    assert result.rows_written == 200
    assert result.truncated
    assert source.consumed == 201


def test_title_page_shows_title_subtitle_metadata_and_generation_time() -> None:
    reader, texts, _ = _render(specimen_document(rows=120, row_limit=100))
    first = texts[0]
    assert "Weekly trial summary — CARDIO-7" in first
    assert "Enrolment, visits and measurements across sites" in first
    assert "Period" in first
    assert "2026-02-23 to 2026-03-01" in first
    assert "2026-03-02 09:00 UTC" in first
    assert reader.metadata is not None
    assert reader.metadata.title == "Weekly trial summary — CARDIO-7"


def test_specimen_with_charts_and_image_embeds_the_image_and_draws_the_charts() -> None:
    reader, texts, written = _render(specimen_document(rows=120, row_limit=100))
    everything = "\n".join(texts)
    assert written == 100
    for expected in ("Key figures", "Visits per site", "Enrolment by week", "Site notes", "ECG sample", "Done"):
        assert expected in everything
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert images[0].image is not None
    assert images[0].image.size == (640, 360)
    chart_page = next(page for page, text in zip(reader.pages, texts, strict=True) if "Visits per site" in text)
    drawing = chart_page.get_contents()
    assert drawing is not None
    assert drawing.get_data().count(b" re") >= 16  # two series of eight bars
    assert "Showing the first 100 of 120 rows." in everything


def test_a_large_image_is_scaled_to_the_page_width() -> None:
    document = Document(
        title="Image", generated_at=GENERATED, blocks=[ImageBlock(title="Wide", data=chart_png(4000, 1000))]
    )
    out = io.BytesIO()
    render_pdf(document, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    content = reader.pages[1].get_contents()
    assert content is not None
    widths = [float(w) for w in re.findall(rb"q ([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm /I", content.get_data())]
    page_width = float(reader.pages[1].mediabox.width)
    assert widths
    assert widths[0] <= page_width - 2 * 15 * 72 / 25.4 + 0.1


def test_unreadable_image_is_reported_not_fatal() -> None:
    document = Document(title="Broken", generated_at=GENERATED, blocks=[ImageBlock(title="Scan", data=b"not an image")])
    _reader, texts, _ = _render(document)
    assert "This image could not be read and is left out." in texts[1]


def test_text_outside_latin1_renders_as_itself() -> None:
    strange = "Zürich — “naïve” 東京 Ωmega € ≥ 5 😀"
    columns = [ColumnSpec(key="name", title="Name ✓"), ColumnSpec(key="n", title="N", kind="float")]
    document = Document(
        title=f"Report {strange}",
        subtitle=strange,
        generated_at=GENERATED,
        metadata={"Filter ✓": strange},
        blocks=[
            ParagraphBlock(heading=strange, text=strange * 20),
            ChartBlock(title=strange, labels=[strange, "b"], series={strange: [1.0, 2.0]}),
            TableBlock(title=strange, columns=columns, rows=[{"name": strange, "n": 1.5}]),
        ],
    )
    _reader, texts, written = _render(document)
    assert written == 1
    assert strange in texts[0]
    assert f"{strange} 1.50" in texts[1]


def test_long_text_is_cut_with_an_ellipsis_and_numbers_keep_their_digits() -> None:
    columns = [
        ColumnSpec(key="note", title="Note"),
        ColumnSpec(key="a", title="A"),
        ColumnSpec(key="b", title="B"),
        ColumnSpec(key="n", title="Amount", kind="float"),
    ]
    rows = [{"note": "word " * 200, "a": "x" * 300, "b": "short", "n": 1234567.891}]
    document = Document(title="T", generated_at=GENERATED, blocks=[TableBlock(title="T", columns=columns, rows=rows)])
    _reader, texts, _ = _render(document)
    assert "1,234,567.89" in texts[1]
    assert "…" in texts[1]
    assert "word " * 200 not in texts[1]


@pytest.mark.parametrize("columns", [1, 14])
def test_narrow_and_wide_tables_fit_the_page(columns: int) -> None:
    specs = [ColumnSpec(key=f"c{i}", title=f"Column number {i}", kind="int") for i in range(columns)]
    rows = ({f"c{i}": n * 1000 + i for i in range(columns)} for n in range(60))
    document = Document(title="T", generated_at=GENERATED, blocks=[TableBlock(title="T", columns=specs, rows=rows)])
    reader, texts, written = _render(document)
    assert written == 60
    for page, text in zip(reader.pages[1:], texts[1:], strict=True):
        assert f"Column number {columns - 1}"[:10] in text
        if columns > 10:
            assert page.mediabox.width > page.mediabox.height


def test_empty_table_and_empty_chart_say_so() -> None:
    document = Document(
        title="Empty",
        generated_at=GENERATED,
        blocks=[
            ChartBlock(title="Nothing", labels=[], series={}),
            TableBlock(title="Rows", columns=VISIT_COLUMNS, rows=iter(())),
        ],
    )
    _reader, texts, written = _render(document)
    assert written == 0
    assert "No data to chart." in texts[1]
    assert "No rows." in texts[1]
