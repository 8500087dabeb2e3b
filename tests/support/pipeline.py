"""Helpers for pipeline tests: a small demo trial, waiting for executions and jobs, reading the outbox."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage
from typing import Any

from local import outbox
from shared.aws import client
from shared.settings import get_settings
from shared.trials.generator import TrialSummary, generate_trial
from tests.support.api_client import ApiClient

TRIAL = "T-100"


def small_trial(tenant: str = "acme", trial_id: str = TRIAL, members: tuple[str, ...] = ("alice",)) -> TrialSummary:
    return generate_trial(tenant, trial_id, participants=12, sites=3, weeks=4, members=members, files_per_week=3)


def executions(status: str | None = None) -> list[dict[str, Any]]:
    """Executions of the report state machine and of its local redrives (`report-pipeline-from-<State>`), oldest
    first."""
    sfn = client("stepfunctions")
    main = get_settings().state_machine_arn or ""
    found: list[dict[str, Any]] = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        if not machine["stateMachineArn"].startswith(main):
            continue
        params: dict[str, Any] = {"stateMachineArn": machine["stateMachineArn"]}
        if status:
            params["statusFilter"] = status
        found += sfn.list_executions(**params)["executions"]
    return sorted(found, key=lambda e: e["startDate"])


def wait_for_executions(timeout: float = 60.0) -> list[dict[str, Any]]:
    """Wait until no execution of the state machine is running; returns every execution."""
    deadline = time.monotonic() + timeout
    while executions("RUNNING"):
        if time.monotonic() > deadline:
            raise TimeoutError("executions still running")
        time.sleep(0.1)
    return executions()


def wait_for_job(api: ApiClient, job_id: str, token: str | None = None, timeout: float = 60.0) -> dict[str, Any]:
    """Poll `GET /api/jobs/{id}` until the job is completed or failed and no execution runs."""
    deadline = time.monotonic() + timeout
    while True:
        reply = api.get(f"/api/jobs/{job_id}", token=token)
        assert reply.status == 200, reply.body
        if reply.json["status"] in ("completed", "partially_delivered", "failed") and not executions("RUNNING"):
            return dict(reply.json)
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} is still {reply.json['status']}")
        time.sleep(0.1)


def mail_to(recipient: str) -> list[EmailMessage]:
    return [m for m in outbox.messages() if recipient in str(m["To"])]


OWNER_NOTICES = ("Report failed", "Report delivered after all", "Report partly delivered")
"""Subject prefixes of the notes to a job's owner (not reports)."""


def report_mail_to(recipient: str) -> list[EmailMessage]:
    return [m for m in mail_to(recipient) if not str(m["Subject"]).startswith(OWNER_NOTICES)]


def notices_to(recipient: str, prefix: str) -> list[EmailMessage]:
    return [m for m in mail_to(recipient) if str(m["Subject"]).startswith(prefix)]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+/download\?format=\w+", text_of(message))
