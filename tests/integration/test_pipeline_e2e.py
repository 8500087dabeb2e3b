"""End to end, locally: subscribe, run now, the job completes, the email is in the outbox, its link (with the token)
redirects to a presigned URL, and the files are real PDF, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import urllib.request
from urllib.parse import urlsplit

import openpyxl
import pypdf

from local.runtime import LocalRuntime
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import TRIAL, links_in, report_mail_to, small_trial, wait_for_job


def test_subscribe_run_now_email_link_and_valid_files(clean: LocalRuntime, token: TokenFactory) -> None:
    small_trial()
    alice = token(sub="alice", role="user", email="alice@example.com")
    api = ApiClient(clean.url, token=alice)
    created = api.post(
        "/api/subscriptions",
        {
            "reportType": "weekly",
            "filters": {"dateRange": "last_week", "fileTypes": ["txt", "png", "jpg"], "trialId": TRIAL},
            "formats": ["pdf", "csv", "xlsx"],
            "channels": [{"channel": "email", "recipients": ["alice@example.com", "carol@example.com"]}],
            "schedule": {"cron": "0 9 * * 1", "timezone": "America/New_York"},
        },
    )
    assert created.status == 201, created.body
    assert created.json["status"] == "active"
    subscription_id = created.json["subscriptionId"]

    run = api.post(f"/api/subscriptions/{subscription_id}/run")
    assert run.status == 202, run.body
    job = wait_for_job(api, run.json["jobId"])
    assert job["status"] == "completed", job
    assert job["step"] == "complete"
    assert job["reportUrl"].endswith(f"/api/reports/exports/{job['jobId']}/download?format=pdf")
    assert {d["recipient"]: d["status"] for d in job["deliveries"]} == {
        "alice@example.com": "delivered",
        "carol@example.com": "delivered",
    }
    assert {a["format"] for a in job["artifacts"]} == {"pdf", "csv", "xlsx"}

    (mail,) = report_mail_to("alice@example.com")
    assert len(report_mail_to("carol@example.com")) == 1
    assert mail.get_body(preferencelist=("html",)) is not None
    links = links_in(mail)
    assert len(links) == 3
    assert all("X-Amz-Signature" not in link and "Signature=" not in link for link in links)

    files: dict[str, bytes] = {}
    for link in links:
        path = urlsplit(link)
        assert api.get(f"{path.path}?{path.query}", token="").status == 401
        redirect = api.get(f"{path.path}?{path.query}")
        assert redirect.status == 302, redirect.body
        location = redirect.headers["location"]
        assert "Expires=" in location or "X-Amz-Expires=300" in location
        with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310 - the local AWS
            files[path.query.rsplit("=", 1)[-1]] = response.read()

    pdf = pypdf.PdfReader(io.BytesIO(files["pdf"]))
    pages = len(pdf.pages)
    assert pages >= 3
    title = f"Weekly clinical trial summary: {TRIAL}"
    for number, page in enumerate(pdf.pages, start=1):
        text = page.extract_text()
        assert title in text, f"page {number} lacks the header"
        assert f"Page {number} of {pages}" in text
    everything = "\n".join(p.extract_text() for p in pdf.pages)
    for heading in (
        "Key figures",
        "Visits planned and done by site",
        "Measurement statistics by site",
        "Adverse events",
    ):
        assert heading in everything
    assert any(page.images for page in pdf.pages), "the related images are in the PDF"

    rows = list(csv.reader(io.StringIO(files["csv"].decode())))
    assert rows[0] == ["Date", "Participant", "Site", "Visit", "Measurement", "Value", "Unit"]
    assert len(rows) > 1

    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert "Measurements" in workbook.sheetnames
    assert "Visits" in workbook.sheetnames
    header = next(workbook["Visits"].iter_rows(values_only=True))
    assert header[:3] == ("Planned", "Visit", "Participant")
