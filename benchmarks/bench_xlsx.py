"""XLSX: 1,000,000 rows x 8 columns through `render_xlsx` (openpyxl write-only) - peak memory must stay flat - and
time against openpyxl's default mode on a row count that fits (default 50,000), measured in the same run.
Each run is a subprocess; peak memory is its ru_maxrss minus that of a baseline process importing the same modules.

    python benchmarks/bench_xlsx.py [--rows 1000000] [--compare-rows 50000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.rendering.document import Document, TableBlock
from shared.rendering.specimen import VISIT_COLUMNS, visit_rows


def run_project(rows: int) -> int:
    from datetime import UTC, datetime

    from shared.rendering.xlsx import render_xlsx

    table = TableBlock(title="Visits", columns=VISIT_COLUMNS, rows=visit_rows(rows))
    document = Document(title="Benchmark", generated_at=datetime(2026, 3, 2, tzinfo=UTC), blocks=[table])
    with tempfile.TemporaryFile() as out:
        return render_xlsx(document, out).size_bytes


def run_default_mode(rows: int) -> int:
    """openpyxl's ordinary Workbook: every cell an object in memory until save()."""
    from openpyxl import Workbook

    from shared.rendering.xlsx import xlsx_value

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.title for c in VISIT_COLUMNS])
    keys = [c.key for c in VISIT_COLUMNS]
    for row in visit_rows(rows):
        sheet.append([xlsx_value(row[key]) for key in keys])
    sheet.freeze_panes = "A2"
    with tempfile.TemporaryFile() as out:
        book.save(out)
        return out.tell()


def run_baseline(rows: int) -> int:
    for _row in visit_rows(rows):
        pass
    return 0


ENGINES = {"baseline": run_baseline, "project": run_project, "default": run_default_mode}


def child(engine: str, rows: int) -> None:
    import openpyxl  # noqa: F401

    import shared.rendering.xlsx  # noqa: F401

    started = time.perf_counter()
    size = ENGINES[engine](rows)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "bytes": size, "maxrss_kib": peak}))


def measure(engine: str, rows: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--rows", str(rows)], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--compare-rows", type=int, default=50_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    base = measure("baseline", args.compare_rows)

    def mib(run: dict[str, float]) -> float:
        return (run["maxrss_kib"] - base["maxrss_kib"]) / 1024

    small = measure("project", args.compare_rows)
    default = measure("default", args.compare_rows)
    big = measure("project", args.rows)
    n, m = args.compare_rows, args.rows
    print("XLSX, 8 typed columns (int, text x2, date, datetime, int, float, bool)")
    print(f"  baseline process RSS (imports, rows generated and dropped): {base['maxrss_kib'] / 1024:.1f} MiB")
    print(f"  {'run':<40}{'rows':>11}{'seconds':>9}{'MiB over baseline':>19}{'file MB':>9}")
    for name, rows, run in [
        ("render_xlsx (write-only)", n, small),
        ("openpyxl default mode", n, default),
        ("render_xlsx (write-only)", m, big),
    ]:
        print(f"  {name:<40}{rows:>11,}{run['seconds']:>9.1f}{mib(run):>19.1f}{run['bytes'] / 1e6:>9.1f}")
    print(f"  time ratio render_xlsx / default mode at {n:,} rows: {small['seconds'] / default['seconds']:.2f}")
    print(f"  memory ratio render_xlsx / default mode at {n:,} rows: {mib(small) / mib(default):.2f}")
    print(
        f"  memory growth render_xlsx {n:,} -> {m:,} rows: {mib(big) - mib(small):+.1f} MiB "
        f"(goal: flat, <= 80 MB at {m:,}); rows per second at {m:,}: {m / big['seconds']:,.0f}"
    )
    print(
        f"  default mode extrapolated to {m:,} rows (linear, NOT measured): about {mib(default) * m / n:,.0f} MiB and "
        f"{default['seconds'] * m / n:,.0f} s"
    )


if __name__ == "__main__":
    main()
