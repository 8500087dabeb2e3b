"""Seed 004's `/api/reports/schedules` and `/api/reports/exports` routes: one model with `/api/subscriptions` and
`/api/jobs`, each route's happy path and its 400, 404, 409 and 422 answers."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from local.runtime import LocalRuntime
from shared import clock
from shared.api.caller import Caller
from shared.aws import client, resource
from shared.catalog.platform import REPORTS_BUCKET
from shared.catalog.reports import REPORT_DEFINITIONS
from shared.errors import Conflict
from shared.exports import logic as exports
from shared.exports.models import ScheduleIn
from shared.jobs import logic as jobs
from shared.jobs import store as job_store
from shared.reports import store as report_store
from shared.reports.defaults import USAGE_SUMMARY_ID, ensure_usage_summary
from shared.settings import get_settings
from shared.subscriptions import store as subscription_store
from tests.conftest import TokenFactory
from tests.support.analytics import NOW, load_small_lake
from tests.support.api_client import ApiClient
from tests.support.pipeline import executions, wait_for_executions

SCHEDULES = "/api/reports/schedules"
EXPORTS = "/api/reports/exports"


def schedule_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "report_id": USAGE_SUMMARY_ID,
        "name": "Weekly usage",
        "description": "for the board",
        "cron_expression": "0 9 * * 1",
        "timezone": "America/New_York",
        "format": "pdf",
        "delivery_method": "email",
        "recipients": ["ops@acme.example"],
    }
    return {**body, **changes}


@pytest.fixture
def lake(clean: LocalRuntime) -> LocalRuntime:
    load_small_lake()
    ensure_usage_summary("acme")
    clock.set_now(NOW)
    return clean


def wait_for_export(api: ApiClient, export_id: str) -> dict[str, Any]:
    wait_for_executions(timeout=120)
    deadline = time.monotonic() + 30
    while (reply := api.get(f"{EXPORTS}/{export_id}")).json["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, reply.json
        time.sleep(0.1)
    return dict(reply.json)


def count_gets(monkeypatch: pytest.MonkeyPatch, store: Any) -> list[str]:
    """The ids `store.get(tenant, id)` is asked for from now on (the store still answers)."""
    reads: list[str] = []
    real_get = store.get

    def counted_get(tenant_id: str, item_id: str) -> Any:
        reads.append(item_id)
        return real_get(tenant_id, item_id)

    monkeypatch.setattr(store, "get", counted_get)
    return reads


def test_a_schedule_is_a_subscription_both_ways(lake: LocalRuntime, api: ApiClient) -> None:
    created = api.post(SCHEDULES, schedule_body())
    assert created.status == 201, created.body
    schedule = created.json
    assert schedule["report_id"] == USAGE_SUMMARY_ID
    assert schedule["delivery_method"] == "email"
    assert schedule["recipients"] == ["ops@acme.example"]
    assert schedule["is_active"] is True
    assert schedule["run_count"] == 0
    assert schedule["created_by"] == "admin-1"
    assert schedule["next_run_at"] == "2026-11-30T14:00:00.000Z"
    subscription = api.get(f"/api/subscriptions/{schedule['id']}").json
    assert subscription["reportType"] == "report"
    assert subscription["description"] == "for the board"
    assert subscription["schedule"] == {"cron": "0 9 * * 1", "timezone": "America/New_York"}

    other = api.post(
        "/api/subscriptions",
        {
            "reportType": "report",
            "reportId": USAGE_SUMMARY_ID,
            "formats": ["csv"],
            "channels": [{"channel": "email", "recipients": ["cfo@acme.example"]}],
            "schedule": {"cron": "30 7 * * *", "timezone": "UTC"},
        },
    )
    assert other.status == 201, other.body
    listed = {s["id"]: s for s in api.get(SCHEDULES).json["items"]}
    assert set(listed) == {schedule["id"], other.json["subscriptionId"]}
    mirrored = listed[other.json["subscriptionId"]]
    assert (mirrored["name"], mirrored["format"], mirrored["cron_expression"]) == ("Usage Summary", "csv", "30 7 * * *")


def test_read_replace_toggle_run_and_delete_a_schedule(lake: LocalRuntime, api: ApiClient) -> None:
    schedule_id = api.post(SCHEDULES, schedule_body()).json["id"]
    assert api.get(f"{SCHEDULES}/{schedule_id}").json["name"] == "Weekly usage"

    replaced = api.put(f"{SCHEDULES}/{schedule_id}", schedule_body(name="Daily usage", cron_expression="0 6 * * *"))
    assert replaced.status == 200, replaced.body
    assert (replaced.json["name"], replaced.json["cron_expression"]) == ("Daily usage", "0 6 * * *")
    assert api.get(f"/api/subscriptions/{schedule_id}").json["schedule"]["cron"] == "0 6 * * *"

    paused = api.patch(f"{SCHEDULES}/{schedule_id}/toggle")
    assert paused.status == 200
    assert paused.json["is_active"] is False
    assert paused.json["next_run_at"] is None
    assert api.get(f"/api/subscriptions/{schedule_id}").json["status"] == "paused"
    assert api.patch(f"{SCHEDULES}/{schedule_id}/toggle").json["is_active"] is True

    run = api.post(f"{SCHEDULES}/{schedule_id}/run")
    assert run.status == 202, run.body
    assert run.json["schedule_id"] == schedule_id
    export = wait_for_export(api, run.json["id"])
    assert export["status"] == "completed"
    assert export["format"] == "pdf"
    assert export["file_size"] > 0
    assert api.get(f"/api/jobs/{run.json['id']}").json["subscriptionId"] == schedule_id

    assert api.delete(f"{SCHEDULES}/{schedule_id}").status == 204
    assert api.get(f"{SCHEDULES}/{schedule_id}").status == 404
    assert api.get(f"/api/subscriptions/{schedule_id}").status == 404
    assert api.get(f"{EXPORTS}/{run.json['id']}").status == 200, "past exports stay readable"


@pytest.mark.parametrize(
    ("changes", "part"),
    [
        ({"cron_expression": "61 9 * * 1"}, "cron_expression"),
        ({"cron_expression": "*/5 * * * *"}, "cron_expression"),
        ({"cron_expression": "0 9 * * 5L"}, "cron_expression: cron '0 9 * * 5L' cannot be scheduled in AWS"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"format": "docx"}, "format"),
        ({"delivery_method": "pigeon"}, "delivery_method"),
        ({"recipients": []}, "recipients"),
        ({"s3_config": {"bucket": "x"}}, "s3_config"),
    ],
)
def test_a_bad_schedule_is_a_400_naming_the_part(
    lake: LocalRuntime, api: ApiClient, changes: dict[str, Any], part: str
) -> None:
    reply = api.post(SCHEDULES, schedule_body(**changes))
    assert reply.status == 400, reply.body
    assert reply.json["message"].startswith(f"{part}:"), reply.json


def test_s3_and_both_delivery_methods_copy_the_export_to_s3(lake: LocalRuntime, api: ApiClient) -> None:
    for method, recipients in (("s3", []), ("both", ["ops@acme.example"])):
        body = schedule_body(delivery_method=method, recipients=recipients, s3_config={"prefix": f"{method}-weekly/"})
        created = api.post(SCHEDULES, body)
        assert created.status == 201, created.body
        assert created.json["delivery_method"] == method
        assert created.json["s3_config"]["prefix"] == f"{method}-weekly/"
        run = api.post(f"{SCHEDULES}/{created.json['id']}/run")
        assert run.status == 202, run.body
        assert wait_for_export(api, run.json["id"])["status"] == "completed"
        bucket = get_settings().name_of(REPORTS_BUCKET)
        listed = client("s3").list_objects_v2(Bucket=bucket, Prefix="deliveries/acme/").get("Contents", [])
        copies = [o["Key"] for o in listed if f"{method}-weekly/" in o["Key"]]
        assert len(copies) == 1, listed
        assert copies[0].endswith(".pdf")
    bad = api.post(SCHEDULES, schedule_body(delivery_method="s3", recipients=[], s3_config={"prefix": "/abs"}))
    assert bad.status == 400
    assert "prefix" in bad.json["message"]


def test_bad_schedule_bodies_are_422_and_unknown_reports_404(lake: LocalRuntime, api: ApiClient) -> None:
    assert api.post(SCHEDULES, {k: v for k, v in schedule_body().items() if k != "report_id"}).status == 422
    assert api.post(SCHEDULES, schedule_body(tenant_id="globex")).status == 422
    assert api.post(SCHEDULES, schedule_body(is_active="sometimes")).status == 422
    assert api.post(SCHEDULES, schedule_body(report_id="no-such-report")).status == 404


def test_other_tenants_and_other_users_see_404(lake: LocalRuntime, api: ApiClient, token: TokenFactory) -> None:
    schedule_id = api.post(SCHEDULES, schedule_body()).json["id"]
    export_id = api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "csv"}).json["id"]
    wait_for_export(api, export_id)
    globex = token(tenant="globex", role="admin", sub="g-admin")
    bob = token(sub="bob", role="user", email="bob@acme.example")
    for caller in (globex, bob):
        assert api.get(f"{SCHEDULES}/{schedule_id}", token=caller).status == 404
        assert api.put(f"{SCHEDULES}/{schedule_id}", schedule_body(), token=caller).status == 404
        assert api.patch(f"{SCHEDULES}/{schedule_id}/toggle", token=caller).status == 404
        assert api.post(f"{SCHEDULES}/{schedule_id}/run", token=caller).status == 404
        assert api.delete(f"{SCHEDULES}/{schedule_id}", token=caller).status == 404
        assert api.get(f"{EXPORTS}/{export_id}", token=caller).status == 404
        assert api.post(f"{EXPORTS}/{export_id}/retry", token=caller).status == 404
        assert api.delete(f"{EXPORTS}/{export_id}", token=caller).status == 404
        assert api.get(SCHEDULES, token=caller).json["items"] == []
        assert api.get(EXPORTS, token=caller).json["items"] == []
    assert api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID}, token=globex).status == 404

    own = api.post(SCHEDULES, schedule_body(recipients=["bob@acme.example"]), token=bob)
    assert own.status == 201, own.body
    assert [s["id"] for s in api.get(SCHEDULES, token=bob).json["items"]] == [own.json["id"]]
    assert {s["id"] for s in api.get(SCHEDULES).json["items"]} == {schedule_id, own.json["id"]}


def test_export_lifecycle_create_read_download_delete(lake: LocalRuntime, api: ApiClient) -> None:
    started = api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "xlsx"})
    assert started.status == 202, started.body
    assert started.json["status"] == "pending"
    assert started.json["download_url"] is None
    export = wait_for_export(api, started.json["id"])
    assert export["status"] == "completed", export
    assert export["schedule_id"] is None
    assert export["row_count"] > 0
    assert export["truncated"] is False
    assert export["execution_time_ms"] is not None
    assert export["expires_at"] > export["completed_at"]
    assert export["download_url"].endswith(f"{EXPORTS}/{export['id']}/download?format=xlsx")
    assert [e["id"] for e in api.get(EXPORTS).json["items"]] == [export["id"]]
    assert api.get(f"{EXPORTS}/{export['id']}/download").status == 302
    (execution,) = executions()
    history = client("stepfunctions").get_execution_history(executionArn=execution["executionArn"])["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    assert "NeedsAggregate" in entered
    assert "Aggregate" not in entered, "a saved report's query already aggregated: the step is skipped"

    assert api.post(f"{EXPORTS}/{export['id']}/retry").status == 409
    assert api.delete(f"{EXPORTS}/{export['id']}").status == 204
    assert api.get(f"{EXPORTS}/{export['id']}").status == 404
    assert api.get(f"{EXPORTS}/{export['id']}/download").status == 404
    assert api.delete(f"{EXPORTS}/{export['id']}").status == 404
    assert api.get(EXPORTS).json["items"] == []
    bucket = get_settings().name_of(REPORTS_BUCKET)
    listed = resource("s3").Bucket(bucket).objects.filter(Prefix=f"exports/acme/{export['id']}/")
    assert list(listed) == [], "the artifacts are gone"
    assert api.get(f"/api/jobs/{export['id']}").json["artifacts"] == [], "the job record stays, without files"


def test_bad_export_requests(lake: LocalRuntime, api: ApiClient) -> None:
    assert api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "docx"}).json["message"].startswith("format:")
    assert api.post(EXPORTS, {"format": "pdf"}).status == 422
    assert api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "limit": 5}).status == 422
    assert api.post(EXPORTS, {"report_id": "nope"}).status == 404
    assert api.get(f"{EXPORTS}/job_missing").status == 404
    assert api.post(f"{EXPORTS}/job_missing/retry").status == 404


def _set_query(query: str) -> None:
    table = resource("dynamodb").Table(get_settings().name_of(REPORT_DEFINITIONS))
    table.update_item(
        Key={"tenant_id": "acme", "report_id": USAGE_SUMMARY_ID},
        UpdateExpression="SET #q = :q",
        ExpressionAttributeNames={"#q": "query"},
        ExpressionAttributeValues={":q": query},
    )


def test_only_a_failed_export_is_retried_and_then_completes(lake: LocalRuntime, api: ApiClient) -> None:
    good = table_query()
    _set_query('{"table":"no_such_table"}')
    export_id = api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "csv"}).json["id"]
    failed = wait_for_export(api, export_id)
    assert failed["status"] == "failed"
    assert "invalid query" in failed["error_message"]
    assert failed["download_url"] is None

    _set_query(good)
    retried = api.post(f"{EXPORTS}/{export_id}/retry")
    assert retried.status == 202, retried.body
    assert retried.json["status"] != "failed", "the reply and the history show the retry at once"
    assert api.get(f"{EXPORTS}/{export_id}").json["status"] != "failed"
    again = api.post(f"{EXPORTS}/{export_id}/retry")
    assert again.status == 409, "a second click does not start a second run"
    assert "no longer failed" in again.json["message"] or "only a failed job" in again.json["message"]
    done = wait_for_export(api, export_id)
    assert done["status"] == "completed"
    assert done["error_message"] is None
    assert done["row_count"] > 0
    assert api.post(f"{EXPORTS}/{export_id}/retry").status == 409


def table_query() -> str:
    table = resource("dynamodb").Table(get_settings().name_of(REPORT_DEFINITIONS))
    return str(table.get_item(Key={"tenant_id": "acme", "report_id": USAGE_SUMMARY_ID})["Item"]["query"])


def test_racing_retries_of_a_failed_export_start_one_run(lake: LocalRuntime, api: ApiClient) -> None:
    good = table_query()
    _set_query('{"table":"no_such_table"}')
    export_id = api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "csv"}).json["id"]
    assert wait_for_export(api, export_id)["status"] == "failed"
    _set_query(good)
    admin = Caller(sub="admin-1", tenant="acme", roles=("admin",))
    runs = len(executions())

    def retry(_: int) -> str:
        try:
            return jobs.rerun(admin, export_id).status
        except Conflict:
            return "refused"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(retry, range(8)))
    assert sorted(outcomes) == ["pending"] + ["refused"] * 7
    assert len(executions()) == runs + 1
    done = wait_for_export(api, export_id)
    assert done["status"] == "completed"


def test_retry_and_delete_read_the_export_once(
    lake: LocalRuntime, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_id = api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "csv"}).json["id"]
    assert wait_for_export(api, export_id)["status"] == "completed"
    reads = count_gets(monkeypatch, job_store)
    admin = Caller(sub="admin-1", tenant="acme", roles=("admin",))
    with pytest.raises(Conflict):
        exports.retry_export(admin, export_id)
    assert reads == [export_id]
    reads.clear()
    exports.delete_export(admin, export_id)
    assert reads == [export_id]


def test_each_schedule_route_reads_the_subscription_once(
    lake: LocalRuntime, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule_id = api.post(SCHEDULES, schedule_body()).json["id"]
    reads = count_gets(monkeypatch, subscription_store)
    admin = Caller(sub="admin-1", tenant="acme", roles=("admin",), email="admin@acme.example")
    for route in (
        lambda: exports.toggle_schedule(admin, schedule_id),
        lambda: exports.replace_schedule(admin, schedule_id, ScheduleIn.model_validate(schedule_body(name="Renamed"))),
        lambda: exports.run_schedule(admin, schedule_id),
        lambda: exports.delete_schedule(admin, schedule_id),
    ):
        reads.clear()
        route()
        assert reads == [schedule_id]
    assert api.get(f"{SCHEDULES}/{schedule_id}").status == 404


def test_an_export_and_an_unnamed_schedule_read_their_saved_report_once(
    lake: LocalRuntime, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read that checks the caller may receive the report also gives its title."""
    reads = count_gets(monkeypatch, report_store)
    export = api.post(EXPORTS, {"report_id": USAGE_SUMMARY_ID, "format": "csv"})
    assert export.status == 202, export.body
    assert wait_for_export(api, export.json["id"])["status"] == "completed"
    assert reads == [USAGE_SUMMARY_ID, USAGE_SUMMARY_ID], "one read to create the export, one by the run's Fetch"
    reads.clear()
    schedule = api.post(
        "/api/reports/schedules",
        {"report_id": USAGE_SUMMARY_ID, "cron_expression": "0 9 * * 1", "recipients": ["ops@example.com"]},
    )
    assert schedule.status == 201, schedule.body
    assert reads == [USAGE_SUMMARY_ID]
    assert schedule.json["name"] == "Usage Summary"
