"""The smoke suite: one pass over the platform as a user sees it, against a deployed stage or the local twin.

A user of a fresh tenant is created through the user directory and signed in; then health, a saved report, a
subscription run now until its job completes, the email sent (SES's message id recorded), the download's 302 to a
working SigV4 URL, a notification posted and read back, the Usage Summary export; and everything it made is removed
(the dry-run notification expires by its TTL: the API deletes no notification)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

from shared.directory import Directory, DirectoryUser, new_password
from shared.reports.defaults import usage_summary

SignIn = Callable[[DirectoryUser, str], str]
"""Signs a directory user in with its password; returns the bearer token the API takes."""
FINISHED = ("completed", "partially_delivered", "failed")


class SmokeFailure(AssertionError):
    """A step of the smoke suite did not see what it should."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class SmokeTarget:
    api_url: str
    directory: Directory
    sign_in: SignIn
    email: str
    """The address the run's report is mailed to (in the SES sandbox: a verified one)."""
    timeout_s: float = 300.0


@dataclass
class SmokeRun:
    target: SmokeTarget
    out: TextIO
    tenant: str = ""
    token: str = ""
    passed: list[str] = field(default_factory=list)
    cleanup: list[tuple[str, Callable[[], object]]] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None, url: str | None = None) -> Reply:
        data = json.dumps(body).encode() if body is not None else None
        address = url or self.target.api_url.rstrip("/") + path
        if not address.startswith(("https://", "http://")):
            raise SmokeFailure(f"not an HTTP address: {address[:100]}")
        request = urllib.request.Request(address, data=data, method=method)  # noqa: S310 - http(s) only, checked
        bearer = self.token if token is None else token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def expect(self, reply: Reply, status: int, doing: str) -> Any:
        if reply.status != status:
            raise SmokeFailure(f"{doing}: expected {status}, got {reply.status}: {reply.body[:500]!r}")
        return (
            reply.json if reply.body and reply.headers.get("content-type", "").startswith("application/json") else None
        )

    def delete(self, path: str) -> None:
        """Remove what the suite made; anything but 2xx is a failure to report."""
        reply = self.call("DELETE", path)
        if not 200 <= reply.status < 300:
            raise SmokeFailure(f"DELETE {path}: {reply.status} {reply.body[:200]!r}")

    def ok(self, step: str, detail: str) -> None:
        self.passed.append(step)
        print(f"ok   {step}: {detail}", file=self.out, flush=True)

    def wait_for(self, path: str, doing: str, status_of: Callable[[Any], str]) -> Any:
        deadline = time.monotonic() + self.target.timeout_s
        while True:
            found = self.expect(self.call("GET", path), 200, doing)
            if status_of(found) in FINISHED:
                return found
            if time.monotonic() > deadline:
                raise SmokeFailure(f"{doing}: still {status_of(found)} after {self.target.timeout_s:g} s")
            time.sleep(1)


def _steps(run: SmokeRun, tenant: str) -> None:
    health = run.expect(run.call("GET", "/health", token=""), 200, "GET /health")
    run.ok("health", f"status {health['status']}, stage {health['stage']}")

    report_body = usage_summary().model_dump(mode="json", exclude_none=True)
    report = run.expect(
        run.call("POST", "/api/reports", {**report_body, "name": "Smoke usage summary"}), 201, "save a report"
    )
    report_id = report["id"]
    run.cleanup.append((f"report {report_id}", lambda: run.delete(f"/api/reports/{report_id}")))
    run.ok("report saved", report_id)

    subscription = run.expect(
        run.call(
            "POST",
            "/api/subscriptions",
            {"reportType": "report", "reportId": report_id, "formats": ["csv"], "name": "Smoke subscription"},
        ),
        201,
        "create a subscription (email to the user's directory address)",
    )
    subscription_id = subscription["subscriptionId"]
    run.cleanup.append((f"subscription {subscription_id}", lambda: run.delete(f"/api/subscriptions/{subscription_id}")))
    stored = run.expect(run.call("GET", f"/api/subscriptions/{subscription_id}"), 200, "read the subscription")
    recipients = stored["channels"][0]["recipients"]
    if recipients != [run.target.email]:
        raise SmokeFailure(f"the subscription mails {recipients}, not the directory's {run.target.email}")
    run.ok("subscription created", f"{subscription_id}, email to {recipients[0]}")

    started = run.expect(run.call("POST", f"/api/subscriptions/{subscription_id}/run"), 202, "run the subscription now")
    job_id = started["jobId"]
    run.cleanup.append((f"job {job_id}", lambda: run.delete(f"/api/reports/exports/{job_id}")))
    job = run.wait_for(f"/api/jobs/{job_id}", "wait for the job", lambda j: str(j["status"]))
    if job["status"] != "completed":
        raise SmokeFailure(f"job {job_id} ended {job['status']}: {job.get('error')} {job.get('deliveries')}")
    run.ok("job completed", f"{job_id}, {len(job['artifacts'])} artifact(s)")

    emails = [d for d in job["deliveries"] if d["channel"] == "email"]
    if not emails or emails[0]["status"] != "delivered" or not emails[0].get("externalId"):
        raise SmokeFailure(f"the report email was not recorded as sent with SES's message id: {job['deliveries']}")
    run.ok("email sent", f"SES message id {emails[0]['externalId']} to {emails[0]['recipient']}")

    redirect = run.call("GET", f"/api/reports/exports/{job_id}/download?format=csv")
    if redirect.status != 302 or "location" not in redirect.headers:
        raise SmokeFailure(f"download: expected a 302 to the file, got {redirect.status}: {redirect.body[:300]!r}")
    location = redirect.headers["location"]
    if parse_qs(urlsplit(location).query).get("X-Amz-Algorithm") != ["AWS4-HMAC-SHA256"]:
        raise SmokeFailure(f"download: the redirect is not a SigV4 URL: {location[:200]}")
    fetched = run.call("GET", "", token="", url=location)
    if fetched.status != 200 or not fetched.body:
        raise SmokeFailure(f"download: the presigned URL answered {fetched.status} with {len(fetched.body)} bytes")
    run.ok("download", f"302 to a SigV4 URL, {len(fetched.body)} bytes of CSV")

    notification_id = str(uuid.uuid4())
    posted = run.expect(
        run.call(
            "POST",
            "/api/notifications",
            {
                "id": notification_id,
                "type": "news",
                "title": "Smoke test",
                "message": f"smoke test of tenant {tenant}",
                "topics": [f"smoke/{tenant}"],
                "dryRun": True,
            },
        ),
        200,
        "post a notification",
    )
    read = run.expect(run.call("GET", f"/api/notifications/{notification_id}"), 200, "read the notification back")
    if read["id"] != notification_id or posted["duplicate"] is not False:
        raise SmokeFailure(f"notification read back as {read}")
    run.ok("notification", f"{notification_id} posted (dry run) and read back")

    export = run.expect(
        run.call("POST", "/api/reports/exports", {"report_id": report_id, "format": "pdf"}), 202, "export"
    )
    export_id = export.get("id") or export.get("jobId")
    run.cleanup.append((f"export {export_id}", lambda: run.delete(f"/api/reports/exports/{export_id}")))
    finished = run.wait_for(f"/api/reports/exports/{export_id}", "wait for the export", lambda e: str(e["status"]))
    if finished["status"] != "completed":
        raise SmokeFailure(f"the Usage Summary export ended {finished['status']}: {finished.get('error_message')}")
    run.ok("Usage Summary export", f"{export_id}: {finished['row_count']} rows, {finished['file_size']} bytes of PDF")


STEPS = (
    "user",
    "sign-in",
    "health",
    "report saved",
    "subscription created",
    "job completed",
    "email sent",
    "download",
    "notification",
    "Usage Summary export",
)


def run_suite(target: SmokeTarget, out: TextIO) -> SmokeRun:
    """Run every step; remove what was made whatever happened (SmokeFailure names the first step that failed)."""
    tenant = f"smoke{secrets.token_hex(4)}"
    password = new_password()
    run = SmokeRun(target, out, tenant)
    user = target.directory.add(
        tenant, target.email, ("admin", "platform-admin"), name="Smoke test", user_id=tenant, password=password
    )
    run.cleanup.append((f"user {user.userId}", lambda: target.directory.remove(user.userId)))
    run.ok("user", f"{user.userId} <{user.email}> added to tenant {tenant} through the directory")
    try:
        run.token = target.sign_in(user, password)
        run.ok("sign-in", "ID token with the tenant and roles claims")
        _steps(run, tenant)
    finally:
        for what, remove in reversed(run.cleanup):
            try:
                remove()
                print(f"removed {what}", file=out, flush=True)
            except Exception as error:
                print(f"could not remove {what}: {error}", file=out, flush=True)
                run.leftovers.append(what)
    return run
