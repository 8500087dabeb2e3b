"""A subscription's report locale (validated: unknown → 422) reaches the rendered PDF and XLSX; a report named in
several scripts keeps its name in the PDF's title, the email's subject (RFC 2047) and the attachments' file names
(RFC 2231), as sent through the local SES."""

from __future__ import annotations

import io
import re
from email.message import EmailMessage
from urllib.parse import quote

import pypdf
import pytest
from openpyxl import load_workbook

from local.paths import outbox_dir
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.reports.defaults import USAGE_SUMMARY_ID, ensure_usage_summary
from shared.settings import get_settings
from tests.conftest import TokenFactory
from tests.support.analytics import NOW, load_small_lake
from tests.support.api_client import ApiClient
from tests.support.pipeline import TRIAL, report_mail_to, small_trial, wait_for_executions, wait_for_job

NAME = "Raport Łódź — Αθήνα Москва 東京 서울 مركز"
POLISH_DATE = re.compile(r"\b\d{1,2} (sty|lut|mar|kwi|maj|cze|lip|sie|wrz|paź|lis|gru) \d{4}\b")


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


def test_an_unknown_locale_is_a_422_and_a_known_one_is_kept_canonical(alice: ApiClient) -> None:
    refused = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "locale": "xx-YY"})
    assert refused.status == 422, refused.body
    assert "xx-YY" in refused.body.decode()
    assert alice.post("/api/subscriptions", {"locale": "../../etc"}).status == 422
    created = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "locale": "pl-pl"})
    assert created.status == 201, created.body
    path = f"/api/subscriptions/{created.json['subscriptionId']}"
    assert alice.get(path).json["locale"] == "pl_PL"
    assert alice.patch(path, {"locale": "zz"}).status == 422
    assert alice.get(path).json["locale"] == "pl_PL"
    changed = alice.patch(path, {"locale": "de-DE"})
    assert changed.status == 200, changed.body
    assert alice.get(path).json["locale"] == "de_DE"


def _raw_mail_to(recipient: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted(outbox_dir().glob("*.eml")) if recipient.encode() in p.read_bytes()]


def test_locale_and_unicode_name_reach_the_files_and_the_mail(alice: ApiClient) -> None:
    created = alice.post(
        "/api/subscriptions",
        {"name": NAME, "filters": {"trialId": TRIAL}, "formats": ["pdf", "xlsx"], "locale": "pl"},
    )
    assert created.status == 201, created.body
    job = wait_for_job(alice, alice.post(f"/api/subscriptions/{created.json['subscriptionId']}/run").json["jobId"])
    assert job["status"] == "completed", job

    (mail,) = report_mail_to("alice@example.com")
    assert str(mail["Subject"]).startswith(f"{NAME} (")
    (raw,) = _raw_mail_to("alice@example.com")
    subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", raw, re.MULTILINE)
    assert subject is not None
    assert b"=?utf-8?b?" in subject.group(1), "a non-ASCII subject travels RFC 2047-encoded"
    assert subject.group(1).isascii()
    assert raw.count(b"filename*0*=utf-8''Raport_%C5%81%C3%B3d%C5%BA_") == 2, "file names travel RFC 2231-encoded"
    attachments: dict[str, bytes] = {}
    for part in mail.iter_attachments():
        assert isinstance(part, EmailMessage)
        filename = part.get_filename()
        assert filename is not None
        attachments[filename] = part.get_content()
    stem = "Raport_Łódź_—_Αθήνα_Москва_東京_서울_مركز"
    assert set(attachments) == {f"{stem}.pdf", f"{stem}.xlsx"}
    for artifact in job["artifacts"]:
        stored = client("s3").head_object(Bucket=get_settings().name_of(REPORTS_BUCKET), Key=artifact["key"])
        disposition = stored["ContentDisposition"]
        assert disposition.endswith(f"; filename*=UTF-8''{quote(stem)}.{artifact['format']}"), disposition

    pdf = pypdf.PdfReader(io.BytesIO(attachments[f"{stem}.pdf"]))
    assert pdf.metadata is not None
    assert pdf.metadata.title == NAME
    assert pdf.trailer["/Root"]["/Lang"] == "pl"
    assert next(item.title for item in pdf.outline if not isinstance(item, list)) == NAME
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Łódź" in text
    assert POLISH_DATE.search(text), "dates read the Polish way"

    book = load_workbook(io.BytesIO(attachments[f"{stem}.xlsx"]))
    date_formats = {
        cell.number_format
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.is_date
    }
    assert date_formats
    assert date_formats <= {"d.mm.yyyy", "d.mm.yyyy hh:mm"}, date_formats


def test_the_schedule_view_shows_and_keeps_the_locale(clean: LocalRuntime, api: ApiClient) -> None:
    ensure_usage_summary("acme")
    body = {
        "report_id": USAGE_SUMMARY_ID,
        "cron_expression": "0 9 * * 1",
        "recipients": ["ops@acme.example"],
    }
    assert api.post("/api/reports/schedules", {**body, "locale": "xx-YY"}).status == 422
    created = api.post("/api/reports/schedules", {**body, "locale": "ja"})
    assert created.status == 201, created.body
    assert created.json["locale"] == "ja"
    path = f"/api/reports/schedules/{created.json['id']}"
    kept = api.put(path, {**body, "name": "Renamed"})
    assert kept.status == 200, kept.body
    assert kept.json["locale"] == "ja"
    assert api.get(f"/api/subscriptions/{created.json['id']}").json["locale"] == "ja"
    changed = api.put(path, {**body, "name": "Renamed", "locale": "ko-KR"})
    assert changed.json["locale"] == "ko_KR"


def test_a_one_off_export_takes_a_locale(clean: LocalRuntime, api: ApiClient) -> None:
    load_small_lake()
    ensure_usage_summary("acme")
    clock.set_now(NOW)
    assert api.post("/api/reports/exports", {"report_id": USAGE_SUMMARY_ID, "locale": "xx-YY"}).status == 422
    started = api.post("/api/reports/exports", {"report_id": USAGE_SUMMARY_ID, "format": "pdf", "locale": "de-DE"})
    assert started.status == 202, started.body
    wait_for_executions(timeout=120)
    job = api.get(f"/api/jobs/{started.json['id']}").json
    assert job["status"] == "completed", job
    (artifact,) = job["artifacts"]
    body = client("s3").get_object(Bucket=get_settings().name_of(REPORTS_BUCKET), Key=artifact["key"])["Body"].read()
    pdf = pypdf.PdfReader(io.BytesIO(body))
    assert pdf.trailer["/Root"]["/Lang"] == "de-DE"
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", pdf.pages[0].extract_text()), "German dates on the title page"
