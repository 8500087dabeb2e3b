"""PDF: a 10,000-row table through `render_pdf` (DejaVu Sans embedded and subset) vs ReportLab platypus (Table with
repeatRows=1 and a "Page n of m" footer, the same DejaVu Sans TTF registered and embedded), plus fpdf2's cell() loop
and table() with the same font for the drawing approach, and the same text() loop with the Helvetica core font (what
render_pdf drew before fonts were embedded) for the file size. Every engine runs in its own subprocess;
peak memory is that process's ru_maxrss minus the ru_maxrss of a baseline process that imports the same modules and
generates the same rows without keeping or rendering them (ru_maxrss counts C allocations too - zlib, fonts - which
tracemalloc would miss). Times exclude imports; ReportLab holds all rows in memory by design (Table takes a list).

    python benchmarks/bench_pdf.py [--rows 10000] [--table-rows 1000]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.rendering.document import Document, TableBlock
from shared.rendering.fonts import FAMILY, MAIN_FONTS, font_path
from shared.rendering.rows import display_text
from shared.rendering.specimen import VISIT_COLUMNS, visit_rows

TITLE = "Visits"
REGULAR, BOLD = str(font_path(MAIN_FONTS[0])), str(font_path(MAIN_FONTS[1]))


def _document(rows: int) -> Document:
    from datetime import UTC, datetime

    table = TableBlock(title=TITLE, columns=VISIT_COLUMNS, rows=visit_rows(rows))
    return Document(title="Benchmark", generated_at=datetime(2026, 3, 2, tzinfo=UTC), blocks=[table])


def _text_rows(rows: int) -> list[list[str]]:
    return [[display_text(row[c.key], c.kind) for c in VISIT_COLUMNS] for row in visit_rows(rows)]


def run_project(rows: int) -> tuple[int, int]:
    from shared.rendering.pdf import render_pdf

    result = render_pdf(_document(rows), io.BytesIO())
    return result.pages or 0, result.size_bytes


def run_reportlab(rows: int) -> tuple[int, int]:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(TTFont("DejaVuSans", REGULAR))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", BOLD))

    class NumberedCanvas(Canvas):
        """The usual platypus recipe for "Page n of m": keep every page's state, number them at save()."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont("DejaVuSans", 8)
                self.drawRightString(A4[0] - 42, 20, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    data = [[c.title for c in VISIT_COLUMNS], *_text_rows(rows)]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "DejaVuSans", 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ALIGN", (0, 0), (0, -1), "RIGHT"),
                ("ALIGN", (5, 0), (6, -1), "RIGHT"),
            ]
        )
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=42, rightMargin=42)
    doc.build([table], canvasmaker=NumberedCanvas)
    return doc.page, len(out.getvalue())


def _footed_pdf_class() -> type[Any]:
    """An FPDF with DejaVu Sans and the "Page n of m" footer the compared engines share."""
    from fpdf import FPDF

    class Footed(FPDF):
        def __init__(self) -> None:
            super().__init__()
            self.add_font(FAMILY, "", REGULAR)
            self.add_font(FAMILY, "B", BOLD)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, "", 8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    return Footed


def run_core_font(rows: int) -> tuple[int, int]:
    """render_pdf's table loop as it was before fonts were embedded: text() with the Helvetica core font (WinAnsi,
    not embedded), zebra rows, the header on every page, "Page n of m"; for the file size."""
    from fpdf import FPDF

    widths = [12, 34, 18, 20, 34, 24, 20, 18]
    titles = [c.title for c in VISIT_COLUMNS]

    class Core(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", "", 8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = Core()
    pdf.set_auto_page_break(False)
    y = pdf.h
    for index, row in enumerate(_text_rows(rows)):
        if y + 5 > pdf.h - 18:
            pdf.add_page()
            pdf.set_fill_color(226, 231, 238)
            pdf.rect(10, 10, sum(widths), 6, style="F")
            pdf.set_font("helvetica", "B", 8)
            x = 10.0
            for width, title in zip(widths, titles, strict=True):
                pdf.text(x + 1.5, 13.9, title)
                x += width
            pdf.set_font("helvetica", "", 8)
            pdf.set_fill_color(244, 246, 249)
            y = 16.0
        if index % 2:
            pdf.rect(10, y, sum(widths), 5, style="F")
        x = 10.0
        for width, value in zip(widths, row, strict=True):
            pdf.text(x + 1.5, y + 3.4, value.encode("latin-1", "replace").decode("latin-1"))
            x += width
        y += 5
    return pdf.pages_count, len(pdf.output())


def run_fpdf_cells(rows: int) -> tuple[int, int]:
    """fpdf2 with the obvious cell() loop and header()/footer() hooks."""

    widths = [12, 34, 18, 20, 34, 24, 20, 18]
    titles = [c.title for c in VISIT_COLUMNS]

    class Cells(_footed_pdf_class()):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font(FAMILY, "B", 8)
            for width, title in zip(widths, titles, strict=True):
                self.cell(width, 6, title, border=0)
            self.ln(6)
            self.set_font(FAMILY, "", 8)

    pdf = Cells()
    pdf.add_page()
    for row in _text_rows(rows):
        for width, value in zip(widths, row, strict=True):
            pdf.cell(width, 5, value)
        pdf.ln(5)
    return pdf.pages_count, len(pdf.output())


def run_fpdf_table(rows: int) -> tuple[int, int]:
    """fpdf2's table() (it repeats the heading row on each page)."""
    pdf = _footed_pdf_class()()
    pdf.add_page()
    pdf.set_font(FAMILY, "", 8)
    with pdf.table(line_height=5, text_align="LEFT") as table:
        table.row([c.title for c in VISIT_COLUMNS])
        for row in _text_rows(rows):
            table.row(row)
    return pdf.pages_count, len(pdf.output())


def import_engines() -> None:
    """Every engine's imports, done before the clock starts (cold start is not what is compared here)."""
    import fpdf  # noqa: F401
    import reportlab.platypus  # noqa: F401

    import shared.rendering.pdf  # noqa: F401


def run_baseline(rows: int) -> tuple[int, int]:
    """Generates the rows without keeping or rendering them (the imports happen in every child)."""
    for _row in visit_rows(rows):
        pass
    return 0, 0


ENGINES = {
    "baseline": run_baseline,
    "project": run_project,
    "core_font": run_core_font,
    "reportlab": run_reportlab,
    "fpdf_cells": run_fpdf_cells,
    "fpdf_table": run_fpdf_table,
}


def child(engine: str, rows: int) -> None:
    import_engines()
    started = time.perf_counter()
    pages, size = ENGINES[engine](rows)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "pages": pages, "maxrss_kib": peak_kib, "bytes": size}))


def measure(engine: str, rows: int, repeats: int = 1) -> dict[str, float]:
    """Best time of `repeats` fresh processes (the machine is shared), with that process's peak RSS."""
    runs = []
    for _ in range(repeats):
        output = subprocess.run(
            [sys.executable, __file__, "--child", engine, "--rows", str(rows)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return min(runs, key=lambda run: run["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--table-rows", type=int, default=1_000, help="rows for fpdf2 table(), which is slow")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return

    def mib(run: dict[str, float]) -> float:
        return (run["maxrss_kib"] - base["maxrss_kib"]) / 1024

    base = measure("baseline", args.rows)
    project = measure("project", args.rows, args.repeats)
    reportlab = measure("reportlab", args.rows, args.repeats)
    cells = measure("fpdf_cells", args.rows)
    core = measure("core_font", args.rows)
    small_project = measure("project", args.table_rows, args.repeats)
    small_table = measure("fpdf_table", args.table_rows)
    print(
        f"PDF, {args.rows:,}-row table of 8 columns, repeated header, 'Page n of m' (best of {args.repeats} runs); "
        "DejaVu Sans TTF in every engine but the core-font line"
    )
    print(f"  {'engine':<42}{'seconds':>9}{'pages':>7}{'peak MiB over baseline':>25}{'file KiB':>10}")
    for name, run in [
        ("render_pdf (fpdf2 text() loop, subset TTF)", project),
        ("ReportLab platypus Table (same TTF)", reportlab),
        ("fpdf2 cell() loop (same TTF)", cells),
        ("text() loop, Helvetica core font", core),
    ]:
        print(f"  {name:<42}{run['seconds']:>9.2f}{run['pages']:>7.0f}{mib(run):>25.1f}{run['bytes'] / 1024:>10.0f}")
    print(f"  baseline process (imports, rows generated and dropped): {base['maxrss_kib'] / 1024:.1f} MiB")
    print(f"  time ratio render_pdf / ReportLab: {project['seconds'] / reportlab['seconds']:.2f} (goal <= 0.3)")
    print(
        f"  file size render_pdf (embedded subset DejaVu Sans): {project['bytes'] / 1024:.0f} KiB; "
        f"same table with the core font (not embedded): {core['bytes'] / 1024:.0f} KiB; "
        f"ratio {project['bytes'] / core['bytes']:.2f}"
    )
    print(f"  time ratio fpdf2 cell() / render_pdf: {cells['seconds'] / project['seconds']:.1f}")
    print(f"  memory ratio render_pdf / ReportLab: {mib(project) / max(mib(reportlab), 0.1):.2f}")
    ratio = small_table["seconds"] / small_project["seconds"]
    print(
        f"  fpdf2 table() at {args.table_rows:,} rows: {small_table['seconds']:.2f} s vs render_pdf "
        f"{small_project['seconds']:.2f} s: ratio {ratio:.1f}; extrapolated to {args.rows:,} rows (linear): "
        f"{small_table['seconds'] * args.rows / args.table_rows:.0f} s"
    )


if __name__ == "__main__":
    main()
