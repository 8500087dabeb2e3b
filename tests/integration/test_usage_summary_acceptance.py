"""Seed 004's acceptance criterion, end to end locally: init-defaults, the Monday 09:00 New York slot fires, the
pipeline runs the saved "Usage Summary" report, the email's link downloads a paginated PDF of at most 1,000 rows."""

from __future__ import annotations

import io
import re
import urllib.request
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pypdf
import pytest

from local.__main__ import main
from local.runtime import LocalRuntime
from local.scheduler import fire_due_schedules
from shared import clock
from shared.catalog.reports import USAGE_EVENTS
from shared.reports.demo_data import TenantProfile, usage_events_of_day, write_day
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import links_in, report_mail_to, wait_for_executions

MONDAY_9_NEW_YORK = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("America/New_York"))
EVENT_TYPES = 160
"""Distinct event types a day: 8 days x 160 types is well over the report's 1,000-row limit."""


def load_many_groups() -> int:
    """Ten days of acme usage events spread over 160 event types; returns the events written."""
    acme = (TenantProfile("acme", users=60, events_per_day=400),)
    written = 0
    for offset in range(10):
        day = date(2026, 11, 14) + timedelta(days=offset)
        rows = usage_events_of_day(acme, day)
        for number, row in enumerate(rows):
            row["event_type"] = f"feature_{number % EVENT_TYPES:03d}"
        write_day(USAGE_EVENTS, day, rows)
        written += len(rows)
    return written


def test_weekly_usage_summary_email_downloads_a_paginated_pdf_of_at_most_1000_rows(
    clean: LocalRuntime, token: TokenFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load_many_groups() > 1000
    clock.set_now(MONDAY_9_NEW_YORK - timedelta(hours=1))

    assert main(["init-defaults", "--tenant", "acme", "--recipients", "ops@acme.example,cfo@acme.example"]) == 0
    first = capsys.readouterr().out
    assert '[1/2] report "Usage Summary"' in first
    assert '[2/2] schedule "Weekly Usage Summary Email"' in first
    assert "done: created report and schedule" in first
    assert main(["init-defaults", "--tenant", "acme", "--recipients", "ops@acme.example,cfo@acme.example"]) == 0
    assert "done: nothing new" in capsys.readouterr().out

    admin = ApiClient(clean.url, token=token(role="admin", sub="admin-1"))
    schedules = admin.get("/api/reports/schedules").json["items"]
    assert len(schedules) == 1
    (schedule,) = schedules
    assert schedule["name"] == "Weekly Usage Summary Email"
    assert (schedule["cron_expression"], schedule["timezone"], schedule["format"]) == (
        "0 9 * * 1",
        "America/New_York",
        "pdf",
    )
    assert schedule["delivery_method"] == "email"
    assert schedule["is_active"] is True
    assert schedule["next_run_at"] == clock.iso(MONDAY_9_NEW_YORK)
    assert len(admin.get("/api/subscriptions?all=true").json["items"]) == 1

    clock.set_now(MONDAY_9_NEW_YORK)
    slot = MONDAY_9_NEW_YORK.astimezone(UTC)
    fired = fire_due_schedules(slot - timedelta(minutes=5), slot)
    assert [moment for _, moment in fired] == [slot]
    wait_for_executions(timeout=180)

    (export,) = admin.get("/api/reports/exports").json["items"]
    assert export["status"] == "completed", export
    assert export["schedule_id"] == schedule["id"]
    assert export["report_id"] == "usage-summary"
    assert export["row_count"] == 1000
    assert export["truncated"] is True
    assert export["download_url"].endswith(f"/api/reports/exports/{export['id']}/download?format=pdf")
    assert admin.get(f"/api/reports/schedules/{schedule['id']}").json["run_count"] == 1

    (mail,) = report_mail_to("ops@acme.example")
    assert len(report_mail_to("cfo@acme.example")) == 1
    (link,) = links_in(mail)
    path = urlsplit(link)
    recipient = token(tenant="acme", sub="ops-person", role="user", email="ops@acme.example")
    assert admin.get(f"{path.path}?{path.query}", token="").status == 401
    redirect = admin.get(f"{path.path}?{path.query}", token=recipient)
    assert redirect.status == 302, redirect.body
    with urllib.request.urlopen(redirect.headers["location"], timeout=30) as response:  # noqa: S310 - the local AWS
        pdf = pypdf.PdfReader(io.BytesIO(response.read()))

    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) > 10
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    row_pattern = re.compile(r"^2026-11-\d\d\s*feature_\d{3}", re.MULTILINE)
    table_pages = [text for text in pages if row_pattern.search(text)]
    assert len(table_pages) > 10
    for text in table_pages:
        assert all(title in text for title in ("Date", "Event type", "Unique devices")), "header row on every page"
    assert sum(len(row_pattern.findall(text)) for text in table_pages) == 1000
    everything = "\n".join(pages)
    assert re.search(r"Showing the first 1,000 of 1,\d{3} rows\.", everything)
