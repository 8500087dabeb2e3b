"""Local end to end: N subscriptions (200 by default) due at the same minute, fired by the local scheduler through the
report state machine, all delivered. Figures: jobs per second end to end vs render-only (the same documents rendered
in a plain loop in the same process), as a ratio.

    .venv/bin/python benchmarks/bench_pipeline.py            # BENCH_SUBSCRIPTIONS=50 for a quicker run
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOCAL_STATE_DIR", tempfile.mkdtemp(prefix="bench-pipeline-"))
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ReportPlatform")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

from local import outbox
from local.runtime import LocalRuntime
from local.scheduler import fire_due_schedules
from shared import clock
from shared.api.caller import Caller
from shared.aws import client
from shared.jobs import store as job_store
from shared.jobs.logic import job_for_slot, job_id_for
from shared.pipeline.render import render
from shared.pipeline.sources import source_for
from shared.pipeline.steps import spec_of
from shared.settings import get_settings
from shared.subscriptions import logic
from shared.subscriptions.models import ChannelSpec, ReportFilters, Schedule, SubscriptionCreate
from shared.trials.generator import generate_trial

COUNT = int(os.environ.get("BENCH_SUBSCRIPTIONS", "200"))
SLOT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _running() -> int:
    arn = get_settings().state_machine_arn
    paginator = client("stepfunctions").get_paginator("list_executions")
    return sum(len(p["executions"]) for p in paginator.paginate(stateMachineArn=arn, statusFilter="RUNNING"))


def main() -> None:
    runtime = LocalRuntime().start()
    try:
        generate_trial("acme", "T-1", participants=24, sites=3, weeks=4, members=(), files_per_week=2)
        admin = Caller(sub="bench", tenant="acme", roles=("admin",), email="bench@example.com")
        subscriptions = [
            logic.create(
                admin,
                SubscriptionCreate(
                    filters=ReportFilters(trialId="T-1", fileTypes=["txt"]),
                    channels=[ChannelSpec(channel="email", recipients=[f"user{n}@example.com"])],
                    schedule=Schedule(cron="0 9 * * 1", timezone="America/New_York"),
                ),
            )
            for n in range(COUNT)
        ]
        print(f"{COUNT} subscriptions due at {SLOT:%Y-%m-%d %H:%M} UTC")

        started = time.perf_counter()
        fired = fire_due_schedules(SLOT - timedelta(minutes=1), SLOT)
        while _running():
            time.sleep(0.2)
        pipeline_s = time.perf_counter() - started
        completed = sum(
            1
            for s in subscriptions
            if (job := job_store.get("acme", job_id_for(s.subscriptionId, SLOT))) is not None
            and job.status == "completed"
        )
        delivered = len(outbox.messages())
        print(f"fired {len(fired)}, completed {completed}, emails in outbox {delivered}")

        source = source_for("clinical_weekly")
        spec = spec_of(job_for_slot(subscriptions[0], clock.iso(SLOT), "scheduled"))
        aggregated = source.aggregate(spec, source.fetch(spec))
        started = time.perf_counter()
        for _ in range(COUNT):
            render("pdf", source.build_document(spec, aggregated, "pdf"), io.BytesIO())
        render_s = time.perf_counter() - started

        end_to_end = completed / pipeline_s
        render_only = COUNT / render_s
        print(f"end to end:  {end_to_end:6.1f} jobs/s ({pipeline_s:.1f} s)")
        print(f"render only: {render_only:6.1f} jobs/s ({render_s:.1f} s)  [baseline]")
        print(f"ratio end-to-end / render-only: {end_to_end / render_only:.2f}")
        if completed != COUNT or delivered != COUNT:
            raise SystemExit("not every subscription was delivered")
    finally:
        runtime.stop()


if __name__ == "__main__":
    main()
