"""The report builder's overhead over DuckDB, on about 1,000,000 usage events in the local AWS.

For the preview (first page of 100 rows, through the local HTTP API) and for export queries (the "Usage Summary"
with its 1,000-row limit, and 10,000 raw rows), the same compiled SQL is also run by DuckDB directly over the same
files already on local disk: the ratio is what the DSL, the API and the fetch from the (local) S3 add.

Run: .venv/bin/python benchmarks/bench_builder.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from local.auth import mint_token
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog.reports import USAGE_EVENTS
from shared.query.duckdb_engine import DuckDbEngine
from shared.reports.compiler import CompiledQuery, compile_query
from shared.reports.defaults import ensure_usage_summary
from shared.reports.demo_data import DEMO_TENANTS, generate, scale_for
from shared.reports.runner import fetch_rows
from shared.reports.validation import resolve
from shared.settings import get_settings
from tests.support.api_client import ApiClient

DAYS = 28
REPEAT = 5
RAW_EXPORT = {
    "table": "usage_events",
    "fields": ["timestamp", "event_type", "user_id", "device_id", "platform", "duration_ms"],
    "filters": [
        {"field": "timestamp", "op": "last_7_days"},
        {"field": "platform", "op": "in", "value": ["ios", "web"]},
    ],
    "order_by": [{"field": "timestamp", "direction": "desc"}],
    "limit": 10_000,
}


def median_seconds(action: Callable[[], object], repeat: int = REPEAT) -> float:
    action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


class DirectDuckDb:
    """The baseline: DuckDB over the lake files already on local disk, the compiled SQL run as is."""

    def __init__(self, folder: Path) -> None:
        s3 = client("s3")
        bucket = get_settings().resources["DATA_LAKE_BUCKET"]
        self.folder = folder
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=USAGE_EVENTS.prefix + "/"):
            for item in page.get("Contents", []):
                target = folder / item["Key"][len(USAGE_EVENTS.prefix) + 1 :]
                target.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, item["Key"], str(target))
        self.connection = duckdb.connect(":memory:")

    def view(self, compiled: CompiledQuery) -> str:
        partitions = compiled.scans["source"].partitions or ()
        files = [str(f) for p in partitions for f in sorted((self.folder / p).glob("*.json"))]
        columns = "{" + ", ".join(f"'{c.name}': '{c.type.upper()}'" for c in USAGE_EVENTS.columns) + "}"
        listing = ", ".join(f"'{f}'" for f in files)
        source = f"read_json([{listing}], format='newline_delimited', columns={columns}, hive_partitioning=true)"
        view = f"SELECT * EXCLUDE (date), CAST(date AS VARCHAR) AS date FROM {source}"  # noqa: S608 - local files
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW direct AS {view}")
        return compiled.sql.format(source="direct")

    def runner(self, compiled: CompiledQuery) -> Callable[[], object]:
        sql = self.view(compiled)
        return lambda: self.connection.execute(sql, list(compiled.params)).fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("LOCAL_STATE_DIR", tempfile.mkdtemp(prefix="bench-builder-"))
    runtime = LocalRuntime(port=0).start()
    try:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        clock.set_now(now)
        started = time.perf_counter()
        data = generate(
            (now - timedelta(days=DAYS - 1)).date(),
            now.date(),
            DEMO_TENANTS,
            scale=scale_for(args.events, DAYS),
            tables=("usage_events",),
        )
        generated = time.perf_counter() - started
        events = data.counts["usage_events"]
        print(f"generated and stored {events:,} usage events over {DAYS} days in {generated:.1f} s")
        report, _ = ensure_usage_summary("acme")
        engine = DuckDbEngine()
        with tempfile.TemporaryDirectory(prefix="bench-direct-") as folder:
            direct = DirectDuckDb(Path(folder))
            api = ApiClient(runtime.url, token=mint_token("acme", "bench", ["admin"]))
            summary = resolve(report.query, now)
            raw = resolve(RAW_EXPORT, now)

            preview_sql = compile_query(summary, "acme", limit=101, stable_order=True)
            preview_api = median_seconds(lambda: api.get(f"/api/reports/{report.id}/preview?limit=100"))
            preview_direct = median_seconds(direct.runner(preview_sql))

            summary_sql = compile_query(summary, "acme", limit=1000, with_total=True)
            summary_export = median_seconds(lambda: fetch_rows(summary, "acme", 1000, engine))
            summary_direct = median_seconds(direct.runner(summary_sql))

            raw_sql = compile_query(raw, "acme", limit=10_000, with_total=True)
            raw_export = median_seconds(lambda: fetch_rows(raw, "acme", 10_000, engine))
            raw_direct = median_seconds(direct.runner(raw_sql))

            engine_only = median_seconds(lambda: engine.run(summary_sql.sql, summary_sql.params, summary_sql.scans))
            compile_only = median_seconds(lambda: compile_query(resolve(report.query, now), "acme"), repeat=200)
            direct.connection.close()
        files = len(summary_sql.scans["source"].partitions or ())
        print(f"usage events: {events:,}; the 7-day queries read {files} daily partitions; median of {REPEAT} runs")
        print(f"{'figure':<44}{'DSL path':>12}{'DuckDB direct':>15}{'ratio':>8}")
        for name, ours, base in (
            ("preview, first 100 rows (HTTP API)", preview_api, preview_direct),
            ("export query: Usage Summary, 1,000 rows", summary_export, summary_direct),
            ("export query: raw events, 10,000 rows", raw_export, raw_direct),
            ("  of which: engine alone (S3 fetch + query)", engine_only, summary_direct),
            ("  of which: validate + compile", compile_only, summary_direct),
        ):
            print(f"{name:<44}{ours * 1000:>10.1f}ms{base * 1000:>13.1f}ms{ours / base:>8.2f}")
    finally:
        clock.set_now(None)
        runtime.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
