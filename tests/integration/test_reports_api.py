"""The report builder's routes through the local HTTP adapter: happy and error paths, who may read and edit what,
tenant isolation, preview paging, and injection attempts over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from shared import clock
from shared.errors import Conflict
from shared.items import cursors_for, encode_token
from shared.reports import store
from shared.reports.defaults import ensure_usage_summary, usage_summary
from shared.reports.demo_data import generate
from tests.conftest import TokenFactory
from tests.support.analytics import FIRST_DAY, LAST_DAY, NOW, TENANTS
from tests.support.api_client import ApiClient

QUERY = {
    "table": "usage_events",
    "group_by": ["event_type"],
    "aggregations": [{"fn": "count", "alias": "events"}],
    "filters": [{"field": "timestamp", "op": "last_7_days"}],
    "order_by": [{"field": "events", "direction": "desc"}],
}


def _report(**overrides: Any) -> dict[str, Any]:
    return {"name": "Events by type", "query": QUERY, "tags": ["ops"], **overrides}


def _as(api: ApiClient, token: str) -> ApiClient:
    return ApiClient(api.base_url, token=token)


def test_tables_lists_every_field_with_its_filters_and_aggregations(api: ApiClient) -> None:
    reply = api.get("/api/reports/tables")
    assert reply.status == 200
    tables = {t["name"]: t for t in reply.json["tables"]}
    assert set(tables) == {"usage_events", "user_sessions", "device_metrics"}
    events = {f["name"]: f for f in tables["usage_events"]["fields"]}
    assert tables["usage_events"]["time_field"] == "timestamp"
    assert events["duration_ms"]["type"] == "integer"
    assert "between" in events["duration_ms"]["operators"]
    assert "sum" in events["duration_ms"]["aggregations"]
    assert "last_7_days" in events["timestamp"]["operators"]
    assert events["timestamp"]["granularities"] == ["hour", "day", "week", "month"]
    assert events["event_type"]["operators"] == ["eq", "neq", "in"]
    assert reply.json["default_row_limit"] == 10_000
    assert api.get("/api/reports/tables", token="").status == 401


def test_validate_query_answers_valid_or_every_error_by_part(api: ApiClient) -> None:
    good = api.post(
        "/api/reports/validate-query", {"query": QUERY, "visualization": {"x": "event_type", "y": ["events"]}}
    )
    assert good.status == 200
    assert good.json["valid"] is True
    assert good.json["errors"] == []
    assert [c["name"] for c in good.json["columns"]] == ["event_type", "events"]
    bad_query = {**QUERY, "filters": [*QUERY["filters"], {"field": "x", "op": "eq", "value": 1}]}  # type: ignore[list-item]
    bad = api.post("/api/reports/validate-query", {"query": bad_query})
    assert bad.status == 200
    assert bad.json == {
        "valid": False,
        "errors": ["filters[1].field: unknown field 'x' in table usage_events"],
        "columns": [],
    }
    chart = api.post(
        "/api/reports/validate-query", {"query": QUERY, "visualization": {"x": "nope", "y": ["event_type"]}}
    )
    assert chart.json["valid"] is False
    assert chart.json["errors"] == [
        "visualization.x: 'nope' is not an output column of the query",
        "visualization.y[0]: 'event_type' is not a numeric output column of the query",
    ]
    assert api.post("/api/reports/validate-query", {"query": "SELECT 1"}).json["errors"] == [
        "query: must be a JSON object"
    ]
    assert api.post("/api/reports/validate-query", {"sql": "x"}).status == 422


def test_report_lifecycle_create_read_list_replace_delete(api: ApiClient) -> None:
    clock.set_now(NOW)
    created = api.post(
        "/api/reports", _report(description="per type", visualization={"x": "event_type", "y": ["events"]})
    )
    assert created.status == 201, created.body
    report = created.json
    assert report["tenant_id"] == "acme"
    assert report["created_by"] == "admin-1"
    assert report["row_limit"] == 10_000
    assert report["is_public"] is False
    assert report["created_at"] == report["updated_at"] == "2026-11-23T14:00:00.000Z"
    assert report["query"]["limit"] == 10_000
    assert report["visualization"]["type"] == "bar"
    assert api.get(f"/api/reports/{report['id']}").json == report
    listed = api.get("/api/reports")
    assert listed.status == 200
    assert [r["id"] for r in listed.json["items"]] == [report["id"]]
    replaced = api.put(f"/api/reports/{report['id']}", _report(name="Renamed", row_limit=50, is_public=True))
    assert replaced.status == 200
    assert (replaced.json["name"], replaced.json["row_limit"], replaced.json["version"]) == ("Renamed", 50, 2)
    assert replaced.json["visualization"] is None
    assert replaced.json["created_at"] == report["created_at"]
    assert api.delete(f"/api/reports/{report['id']}").status == 204
    assert api.get(f"/api/reports/{report['id']}").status == 404
    assert api.delete(f"/api/reports/{report['id']}").status == 404
    assert api.put(f"/api/reports/{report['id']}", _report()).status == 404


def test_bad_reports_are_refused_naming_the_part(api: ApiClient) -> None:
    unknown = api.post("/api/reports", _report(query={**QUERY, "order_by": [{"field": "secret"}]}))
    assert unknown.status == 400
    assert unknown.json["error"] == "invalid_query"
    assert unknown.json["details"][0]["part"] == "query.order_by[0].field"
    chart = api.post("/api/reports", _report(visualization={"x": "events", "y": ["nope"]}))
    assert chart.status == 400
    assert chart.json["details"] == [
        {"part": "visualization.y[0]", "problem": "'nope' is not a numeric output column of the query"}
    ]
    for body, field in (
        ({"query": QUERY}, "name"),
        (_report(name=""), "name"),
        (_report(row_limit=0), "row_limit"),
        (_report(row_limit="5"), "row_limit"),
        (_report(tags=["x" * 51]), "tags"),
        (_report(tenant_id="globex"), "tenant_id"),
        (_report(query=[1]), "query"),
    ):
        reply = api.post("/api/reports", body)
        assert reply.status == 422, body
        assert field in reply.json["message"]
    assert api.post("/api/reports", raw=b"{not json").status == 400
    assert api.get("/api/reports/bad%20id").status == 422
    assert api.get("/api/reports?limit=500").status == 422
    assert api.get("/api/reports?cursor=garbage!").status == 400


@pytest.mark.parametrize(
    "payload",
    ["x'; DROP TABLE usage_events; --", '"; SELECT * FROM secrets --', "1 OR 1=1", "{source}"],
)
def test_injection_attempts_over_http_are_400_naming_the_part(api: ApiClient, payload: str) -> None:
    for position, query in (
        ("query.fields[0].field", {"table": "usage_events", "fields": [payload]}),
        ("query.fields[0].alias", {"table": "usage_events", "fields": [{"field": "event_type", "alias": payload}]}),
        ("query.filters[0].op", {"table": "usage_events", "filters": [{"field": "event_type", "op": payload}]}),
        ("query.order_by[0].field", {"table": "usage_events", "fields": ["event_type"], "order_by": [payload]}),
        ("query.limit", {"table": "usage_events", "limit": payload}),
        ("query.table", {"table": payload}),
    ):
        reply = api.post("/api/reports", _report(query=query))
        assert reply.status == 400, (position, reply.body)
        assert reply.json["details"][0]["part"] == position
    valued = api.post(
        "/api/reports",
        _report(query={"table": "usage_events", "filters": [{"field": "user_id", "op": "eq", "value": payload}]}),
    )
    assert valued.status == 201


def test_users_read_their_own_and_public_reports_and_edit_only_their_own(api: ApiClient, token: TokenFactory) -> None:
    alice = _as(api, token(sub="alice"))
    bob = _as(api, token(sub="bob"))
    private = alice.post("/api/reports", _report(name="alice private")).json
    public = alice.post("/api/reports", _report(name="alice public", is_public=True)).json
    own = bob.post("/api/reports", _report(name="bob's")).json
    assert {r["name"] for r in bob.get("/api/reports").json["items"]} == {"alice public", "bob's"}
    assert {r["name"] for r in alice.get("/api/reports").json["items"]} == {"alice private", "alice public"}
    assert {r["name"] for r in api.get("/api/reports").json["items"]} == {"alice private", "alice public", "bob's"}
    assert bob.get(f"/api/reports/{private['id']}").status == 404
    assert bob.get(f"/api/reports/{public['id']}").status == 200
    assert bob.put(f"/api/reports/{public['id']}", _report()).status == 403
    assert bob.delete(f"/api/reports/{public['id']}").status == 403
    assert bob.put(f"/api/reports/{private['id']}", _report()).status == 404
    assert bob.put(f"/api/reports/{own['id']}", _report(name="bob's v2")).status == 200
    assert api.put(f"/api/reports/{private['id']}", _report(name="admin edit")).status == 200
    assert alice.get(f"/api/reports/{private['id']}").json["name"] == "admin edit"
    assert api.delete(f"/api/reports/{own['id']}").status == 204


def test_another_tenants_reports_do_not_exist(api: ApiClient, token: TokenFactory) -> None:
    report = api.post("/api/reports", _report(is_public=True)).json
    other = _as(api, token(tenant="globex", role="admin"))
    assert other.get(f"/api/reports/{report['id']}").status == 404
    assert other.put(f"/api/reports/{report['id']}", _report()).status == 404
    assert other.delete(f"/api/reports/{report['id']}").status == 404
    assert other.get(f"/api/reports/{report['id']}/preview").status == 404
    assert other.get("/api/reports").json["items"] == []


def test_listing_pages_with_an_opaque_cursor(api: ApiClient) -> None:
    ids = {api.post("/api/reports", _report(name=f"r{i}")).json["id"] for i in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        page = api.get("/api/reports?limit=2" + (f"&cursor={cursor}" if cursor else "")).json
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)


def test_a_concurrent_change_is_a_conflict(api: ApiClient) -> None:
    report = api.post("/api/reports", _report()).json
    stale = store.get("acme", report["id"])
    api.put(f"/api/reports/{report['id']}", _report(name="newer"))
    with pytest.raises(Conflict):
        store.replace(stale.model_copy(update={"version": stale.version + 1}), stale.version)
    with pytest.raises(Conflict):
        store.delete("acme", report["id"], stale.version)


def test_preview_pages_through_the_rows_up_to_the_row_limit(api: ApiClient, token: TokenFactory) -> None:
    generate(FIRST_DAY, LAST_DAY, TENANTS, tables=("usage_events",))
    clock.set_now(NOW)
    report, created = ensure_usage_summary("acme")
    assert created
    assert ensure_usage_summary("acme") == (report, False)
    first = api.get(f"/api/reports/{report.id}/preview?limit=40")
    assert first.status == 200, first.body
    page = first.json
    assert [c["name"] for c in page["columns"]] == [
        "date",
        "event_type",
        "tenant_id",
        "total_events",
        "unique_users",
        "unique_devices",
    ]
    assert [c["kind"] for c in page["columns"]] == ["date", "text", "text", "int", "int", "int"]
    assert len(page["rows"]) == 40
    assert page["rows"][0]["date"] == "2026-11-23"
    assert page["files_read"] == 8
    rows = list(page["rows"])
    cursor = page["next_cursor"]
    while cursor:
        page = api.get(f"/api/reports/{report.id}/preview?limit=40&cursor={cursor}").json
        rows += page["rows"]
        cursor = page["next_cursor"]
    keys = [(r["date"], r["event_type"]) for r in rows]
    assert len(keys) == len(set(keys)) > 40
    user = _as(api, token(sub="someone"))
    assert user.get(f"/api/reports/{report.id}/preview?limit=5").json["rows"] == rows[:5]
    limited = api.put(f"/api/reports/{report.id}", usage_summary().model_copy(update={"row_limit": 30}).model_dump())
    assert limited.status == 200
    short = api.get(f"/api/reports/{report.id}/preview?limit=25").json
    assert len(short["rows"]) == 25
    rest = api.get(f"/api/reports/{report.id}/preview?limit=25&cursor={short['next_cursor']}").json
    assert len(rest["rows"]) == 5
    assert rest["next_cursor"] is None
    assert rest["row_limit"] == 30


def test_preview_refuses_bad_limits_and_cursors(api: ApiClient) -> None:
    report = api.post("/api/reports", _report()).json
    path = f"/api/reports/{report['id']}/preview"
    assert api.get(path + "?limit=101").status == 422
    assert api.get(path + "?limit=0").status == 422
    assert api.get(path + "?cursor=nonsense").status == 400
    assert api.get(path + "?cursor=eyJvIjotMSwidiI6MX0").status == 400  # {"o":-1,"v":1}
    empty = api.get(path)
    assert empty.status == 200
    assert empty.json["rows"] == []
    assert empty.json["next_cursor"] is None
    with cursors_for("acme", "admin-1"):  # a cursor sealed for the caller, as version 1 of the report gave out
        stale_cursor = encode_token({"o": 5, "v": 1})
    api.put(f"/api/reports/{report['id']}", _report(name="v2"))
    stale = api.get(path + f"?cursor={stale_cursor}")
    assert stale.status == 409
    assert api.get("/api/reports/missing/preview").status == 404
