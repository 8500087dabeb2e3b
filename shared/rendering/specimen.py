"""Demo documents for the renderers: typed rows in any number (a generator), and a document that holds every kind of
block. Used by the renderer tests, the benchmarks and `python -m shared.rendering.specimen`."""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from shared.rendering.document import (
    Cell,
    ChartBlock,
    ColumnSpec,
    Document,
    ImageBlock,
    ParagraphBlock,
    SummaryBlock,
    TableBlock,
)

SITES = ["Berlin", "Lyon", "Kraków", "Porto", "Zürich", "Boston", "Osaka", "Lagos"]
VISIT_COLUMNS = [
    ColumnSpec(key="visit_id", title="Visit", kind="int"),
    ColumnSpec(key="participant", title="Participant", kind="text"),
    ColumnSpec(key="site", title="Site", kind="text"),
    ColumnSpec(key="visit_date", title="Visit date", kind="date"),
    ColumnSpec(key="recorded_at", title="Recorded at", kind="datetime"),
    ColumnSpec(key="systolic", title="Systolic (mmHg)", kind="int"),
    ColumnSpec(key="weight", title="Weight (kg)", kind="float"),
    ColumnSpec(key="completed", title="Completed", kind="bool"),
]


def visit_rows(count: int, seed: int = 7) -> Iterator[dict[str, Cell]]:
    """`count` clinical-trial visits, generated lazily (8 typed columns)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    for i in range(count):
        recorded = start + timedelta(minutes=17 * i)
        yield {
            "visit_id": i + 1,
            "participant": f"P-{rng.randint(1000, 9999)} {rng.choice(['baseline', 'week 4', 'week 8', 'follow-up'])}",
            "site": SITES[i % len(SITES)],
            "visit_date": recorded.date(),
            "recorded_at": recorded,
            "systolic": rng.randint(100, 170),
            "weight": round(rng.uniform(48.0, 120.0), 1),
            "completed": rng.random() > 0.1,
        }


def chart_png(width: int = 640, height: int = 360) -> bytes:
    """A PNG made on the spot (a gradient with a frame), standing in for an uploaded image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (240, 244, 248))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 8):
        draw.line([(x, height), (x, height - (x * height) // (width * 2) - 20)], fill=(31, 119, 180), width=6)
    draw.rectangle([0, 0, width - 1, height - 1], outline=(60, 60, 60), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def specimen_document(rows: int = 120, row_limit: int | None = 100, generated_at: date | None = None) -> Document:
    """A weekly trial summary with a summary, a bar and a line chart, notes, an image and a visits table."""
    weeks = [f"W{n}" for n in range(1, 9)]
    return Document(
        title="Weekly trial summary — CARDIO-7",
        subtitle="Enrolment, visits and measurements across sites",
        generated_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC) if generated_at is None else generated_at,
        metadata={"Trial": "CARDIO-7", "Period": "2026-02-23 to 2026-03-01", "File types": "notes, images"},
        blocks=[
            SummaryBlock(
                title="Key figures",
                items=[("Participants enrolled", "412"), ("Visits done / planned", "1,180 / 1,240")],
            ),
            ChartBlock(
                title="Visits per site",
                chart="bar",
                labels=SITES,
                series={"Done": [150, 140, 160, 120, 90, 180, 170, 170], "Planned": [160] * 8},
            ),
            ChartBlock(
                title="Enrolment by week",
                chart="line",
                labels=weeks,
                series={"Enrolled": [20, 55, 90, 140, 200, 260, 330, 412], "Target": [50 * n for n in range(1, 9)]},
            ),
            ParagraphBlock(
                heading="Site notes", text="Zürich paused visits for two days (staff training).\n\nNo issues."
            ),
            ImageBlock(title="ECG sample", data=chart_png()),
            TableBlock(
                title="Visits", columns=VISIT_COLUMNS, rows=visit_rows(rows), row_limit=row_limit, total_rows=rows
            ),
        ],
    )


def main(argv: list[str]) -> None:
    """Render the specimen document: `python -m shared.rendering.specimen OUT_DIR [ROWS]`."""
    from shared.rendering.csv_writer import render_csv
    from shared.rendering.pdf import render_pdf
    from shared.rendering.xlsx import render_xlsx

    folder = Path(argv[0] if argv else ".")
    folder.mkdir(parents=True, exist_ok=True)
    rows = int(argv[1]) if len(argv) > 1 else 120
    with (folder / "specimen.pdf").open("wb") as out:
        print("pdf", render_pdf(specimen_document(rows), out))
    with (folder / "specimen.xlsx").open("wb") as out:
        print("xlsx", render_xlsx(specimen_document(rows), out))
    with (folder / "specimen.csv").open("wb") as out:
        print("csv", render_csv(specimen_document(rows).tables()[0], out))


if __name__ == "__main__":
    main(sys.argv[1:])
