"""Issue 13, "how it is checked": every path and method of the served OpenAPI, called as another tenant's admin and
user and as a same-tenant plain user, with the ids of real objects of one owner (alice): no 2xx on an object the
caller may not see, and no id of alice's objects in any reply, cursors included."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import quote

import pytest

from local.runtime import LocalRuntime
from shared.inbox.logic import list_inbox
from tests.conftest import TokenFactory
from tests.integration.test_api_odd_input import operations, sample
from tests.support.api_client import ApiClient
from tests.support.deliveries import stored_job
from tests.support.pipeline import TRIAL, small_trial

QUERY = {"table": "usage_events", "group_by": ["event_type"], "aggregations": [{"fn": "count", "alias": "n"}]}
PLATFORM_WIDE = re.compile(r"^/api/notifications")
"""Notifications are platform-level by design (any caller reads them); the walk covers tenant data."""
PUBLIC = {"/health", "/", "/assets/{proxy}", "/api/docs", "/api/openapi.json"}


def alices_objects(runtime: LocalRuntime, token: TokenFactory) -> dict[str, str]:
    """One of each kind of object, owned by alice (or her tenant), by id name as the OpenAPI paths name them."""
    small_trial()
    alice = ApiClient(runtime.url, token=token(sub="alice", role="user", email="alice@example.com"))
    admin = ApiClient(runtime.url, token=token(sub="acme-admin", role="admin"))
    report = alice.post("/api/reports", {"name": "alice private", "query": QUERY})
    assert report.status == 201, report.body
    subscription = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}})
    assert subscription.status == 201, subscription.body
    schedule = alice.post(
        "/api/reports/schedules",
        {"report_id": report.json["id"], "cron_expression": "0 9 * * 1", "recipients": ["alice@example.com"]},
    )
    assert schedule.status == 201, schedule.body
    job = stored_job("job-alice-walk", owner="alice")
    delivered = alice.post(
        "/api/v1/reporting/deliver",
        {"request_id": "walk-1", "report_id": job.jobId, "channels": [{"channel": "inbox", "recipients": ["alice"]}]},
    )
    assert delivered.status in (200, 202), delivered.body
    (delivery,) = alice.get(f"/api/jobs/{job.jobId}/deliveries").json
    assert admin.put("/api/v1/reporting/buckets/acme-walk-drop", {"prefix": "walk/"}).status == 200
    objects = {
        "report_id": report.json["id"],
        "subscription_id": subscription.json["subscriptionId"],
        "schedule_id": schedule.json["id"],
        "job_id": job.jobId,
        "export_id": job.jobId,
        "delivery_id": delivery["deliveryId"],
        "bucket": "acme-walk-drop",
        "subscriber_id": "alice",
    }
    items = list_inbox("acme", "alice", 10, False, None).items
    if items:
        objects["item_id"] = items[0].item_id
    return objects


def body_for(path: str, op: dict[str, Any], spec: dict[str, Any], objects: dict[str, str]) -> bytes | None:
    """A schema-shaped body, with alice's ids where a field names an object (`report_id`: a job on deliver)."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    body = sample(content["schema"], spec)
    if isinstance(body, dict) and "report_id" in body:
        body["report_id"] = objects["job_id"] if path.endswith("/deliver") else objects["report_id"]
    return json.dumps(body).encode()


def ids_in(reply_body: bytes) -> str:
    """The reply, with every cursor-like value also base64-decoded (so an id inside a cursor shows)."""
    text = reply_body.decode("utf-8", "replace")
    decoded = []
    for token in re.findall(r'"(?:next_)?cursor"\s*:\s*"([A-Za-z0-9_\-=]+)"', text):
        decoded.append(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("latin-1"))
    return text + "\n".join(decoded)


@pytest.mark.timeout(600)
def test_no_caller_sees_or_touches_another_callers_objects(clean: LocalRuntime, token: TokenFactory) -> None:
    objects = alices_objects(clean, token)
    secrets = [value for name, value in objects.items() if name != "subscriber_id"]
    callers = {
        "globex admin": token(tenant="globex", sub="alice", role="admin"),
        "globex user": token(tenant="globex", sub="alice", role="user"),
        "acme plain user": token(sub="mallory", role="user", email="mallory@example.com"),
    }
    api = ApiClient(clean.url)
    spec = api.get("/api/openapi.json", token=callers["acme plain user"]).json
    seen: list[str] = []
    problems: list[str] = []
    for method, path, op in operations(spec):
        if path in PUBLIC or PLATFORM_WIDE.match(path):
            continue
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
        url = path
        for name in names:
            url = url.replace("{" + name + "}", quote(objects.get(name, "none"), safe=""))
        if "cursor" in {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}:
            url += "?limit=1"
        body = body_for(path, op, spec, objects)
        names_an_object = any(n in objects for n in names) or (body is not None and b"report_id" in body)
        for who, bearer in callers.items():
            reply = api.request(method, url, raw=body, token=bearer)
            seen.append(f"{who} {method} {path} {reply.status}")
            listed_nothing = reply.status == 200 and path.endswith("{subscriber_id}") and reply.json == []
            if names_an_object and 200 <= reply.status < 300 and not listed_nothing:
                problems.append(f"{who}: {method} {url} answered {reply.status} on alice's object")
            asked = url + (body or b"").decode()  # a 404 may name the id it was asked for: that is not a leak
            leaked = [value for value in secrets if value in ids_in(reply.body) and quote(value, safe="") not in asked]
            if leaked:
                problems.append(f"{who}: {method} {url} ({reply.status}) shows {leaked}")
            if reply.status >= 500:
                problems.append(f"{who}: {method} {url} answered {reply.status}")
    assert len(seen) >= 3 * 35, "every operation was walked by every caller"
    assert not problems, "\n".join(problems)
