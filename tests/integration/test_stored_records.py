"""Issue 13, item 9: a valid call never leaves a record the model cannot read, and a record that still cannot be read
is left out of listings (logged), never a 500 for the page."""

from __future__ import annotations

from typing import Any

from shared.aws import resource
from shared.catalog.pipeline import SUBSCRIPTIONS
from shared.reports.defaults import USAGE_SUMMARY_ID, ensure_usage_summary
from shared.settings import get_settings
from tests.support.api_client import ApiClient

SCHEDULES = "/api/reports/schedules"
LISTINGS = ("/api/subscriptions", "/api/subscriptions?all=true", SCHEDULES, "/api/v1/reporting/subscriptions/admin-1")


def schedule_body(**changes: Any) -> dict[str, Any]:
    body = {"report_id": USAGE_SUMMARY_ID, "name": "Weekly usage", "cron_expression": "0 9 * * 1"}
    return {**body, **changes, "recipients": ["ops@acme.example"]}


def stored(schedule_id: str) -> dict[str, Any]:
    table = resource("dynamodb").Table(get_settings().name_of(SUBSCRIPTIONS))
    item: dict[str, Any] = table.get_item(Key={"tenantId": "acme", "subscriptionId": schedule_id})["Item"]
    return item


def assert_listings_answer(api: ApiClient) -> None:
    for path in LISTINGS:
        reply = api.get(path)
        assert reply.status == 200, (path, reply.body[:300])


def test_a_put_without_a_name_keeps_the_name_and_every_field(api: ApiClient) -> None:
    ensure_usage_summary("acme")
    created = api.post(SCHEDULES, schedule_body())
    assert created.status == 201, created.body
    schedule_id = created.json["id"]
    body = schedule_body(cron_expression="0 10 * * 2")
    del body["name"]
    replaced = api.put(f"{SCHEDULES}/{schedule_id}", body)
    assert replaced.status == 200, replaced.body
    assert replaced.json["name"] == "Weekly usage"
    item = stored(schedule_id)
    assert {"name", "filters", "schedule", "status"} <= set(item)
    assert item["schedule"]["cron"] == "0 10 * * 2"
    for path in (f"{SCHEDULES}/{schedule_id}", f"/api/subscriptions/{schedule_id}/jobs"):
        assert api.get(path).status == 200
    assert api.patch(f"{SCHEDULES}/{schedule_id}/toggle").status == 200
    assert_listings_answer(api)


def test_a_patch_with_null_for_a_required_field_is_a_400_and_changes_nothing(api: ApiClient) -> None:
    ensure_usage_summary("acme")
    schedule_id = api.post(SCHEDULES, schedule_body()).json["id"]
    before = stored(schedule_id)
    for field in ("status", "name", "filters", "schedule", "formats", "channels"):
        reply = api.patch(f"/api/subscriptions/{schedule_id}", {field: None})
        assert reply.status in (400, 422), (field, reply.body)
        assert set(reply.json) == {"error", "message", "details"}
    assert stored(schedule_id) == before
    assert_listings_answer(api)


def test_a_record_that_cannot_be_read_is_left_out_of_listings(api: ApiClient) -> None:
    ensure_usage_summary("acme")
    good = api.post(SCHEDULES, schedule_body()).json["id"]
    bad = api.post(SCHEDULES, schedule_body(name="broken")).json["id"]
    table = resource("dynamodb").Table(get_settings().name_of(SUBSCRIPTIONS))
    table.update_item(
        Key={"tenantId": "acme", "subscriptionId": bad},
        UpdateExpression="REMOVE filters, schedule, #status",
        ExpressionAttributeNames={"#status": "status"},
    )
    for path in LISTINGS:
        reply = api.get(path)
        assert reply.status == 200, (path, reply.body[:300])
        assert bad not in reply.body.decode()
    assert good in api.get(SCHEDULES).body.decode()
    for method, path in (
        ("GET", f"/api/subscriptions/{bad}"),
        ("GET", f"{SCHEDULES}/{bad}"),
        ("POST", f"{SCHEDULES}/{bad}/run"),
        ("PATCH", f"{SCHEDULES}/{bad}/toggle"),
        ("GET", f"/api/subscriptions/{bad}/jobs"),
    ):
        reply = api.request(method, path)
        assert reply.status == 404, (method, path, reply.status, reply.body[:200])
