"""`python -m local capacity` over the subscriptions stored in the local twin, and over a synthetic spike."""

from __future__ import annotations

import subprocess
import sys

from local.__main__ import main
from local.runtime import LocalRuntime
from shared.catalog.pipeline import SUBSCRIPTIONS
from tests.support.api_client import ApiClient
from tests.support.pipeline import small_trial
from tests.support.subscriptions import subscribe


def test_capacity_plans_for_the_stored_subscriptions(api: ApiClient, clean: LocalRuntime, capsys, tmp_path) -> None:
    small_trial()
    for name in ("one", "two", "three"):
        subscribe(api, name, formats=("pdf",))
    per_minute = tmp_path / "minutes.csv"
    table = clean.environment[SUBSCRIPTIONS.env_var]
    arguments = ["capacity", "--table", table, "--start", "2026-12-06T00:00:00Z", "--per-minute", str(per_minute)]
    assert main([*arguments, "--quota", "ses_per_s=1"]) == 0
    printed = capsys.readouterr().out
    assert "3 active subscriptions" in printed
    assert "next 14 days: 6 reports and 12 deliveries due in 2 minutes" in printed
    assert "2026-12-07 09:00 UTC: 3 reports, 6 deliveries" in printed
    assert "first bottleneck: ses-send-rate" in printed
    assert "cost per 1,000 reports" in printed
    lines = per_minute.read_text().splitlines()
    assert lines == ["minute_utc,reports,deliveries", "2026-12-07T09:00:00+00:00,3,6", "2026-12-14T09:00:00+00:00,3,6"]


def test_capacity_names_what_to_raise_when_a_spike_cannot_drain_in_time() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "local",
            "capacity",
            "--spike",
            "3000",
            "--start",
            "2026-12-06T00:00:00Z",
            "--target-minutes",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "2026-12-07 14:00 UTC: 3,000 reports, 3,000 deliveries" in done.stdout
    assert "OVER the 1.0 min target" in done.stdout
    assert "raise ses_per_s to at least 50 (ses-send-rate)" in done.stdout
    assert "FlexibleTimeWindow" in done.stdout


def test_an_unknown_quota_is_refused_by_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "local", "capacity", "--spike", "1", "--quota", "sqs_per_s=5"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "unknown quota 'sqs_per_s'" in done.stderr
