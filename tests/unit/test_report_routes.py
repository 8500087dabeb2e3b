"""The report builder's route keys leave /api/reports/schedules... and /api/reports/exports... to the functions that
own them (the route keys below are the ones seed 004 gives those routes), in the local adapter's route selection."""

from __future__ import annotations

import pytest

from local.routes import route_table, select
from shared.catalog import Function
from shared.catalog.reports import REPORTS_API

SCHEDULES = Function(
    "schedules-api",
    "m.h",
    "api",
    "",
    routes=(
        "GET /api/reports/schedules",
        "POST /api/reports/schedules",
        "GET /api/reports/schedules/{schedule_id}",
        "PUT /api/reports/schedules/{schedule_id}",
        "DELETE /api/reports/schedules/{schedule_id}",
        "POST /api/reports/schedules/{schedule_id}/run",
        "PATCH /api/reports/schedules/{schedule_id}/toggle",
    ),
)
EXPORTS = Function(
    "exports-api",
    "m.h",
    "api",
    "",
    routes=(
        "GET /api/reports/exports",
        "POST /api/reports/exports",
        "GET /api/reports/exports/{export_id}",
        "DELETE /api/reports/exports/{export_id}",
        "GET /api/reports/exports/{export_id}/download",
        "POST /api/reports/exports/{export_id}/retry",
    ),
)
TABLE = route_table((REPORTS_API, SCHEDULES, EXPORTS))


@pytest.mark.parametrize(
    ("method", "path", "function", "params"),
    [
        ("GET", "/api/reports", "reports-api", {}),
        ("POST", "/api/reports", "reports-api", {}),
        ("GET", "/api/reports/tables", "reports-api", {}),
        ("POST", "/api/reports/validate-query", "reports-api", {}),
        ("GET", "/api/reports/r1", "reports-api", {"report_id": "r1"}),
        ("PUT", "/api/reports/r1", "reports-api", {"report_id": "r1"}),
        ("DELETE", "/api/reports/r1", "reports-api", {"report_id": "r1"}),
        ("GET", "/api/reports/r1/preview", "reports-api", {"report_id": "r1"}),
        ("GET", "/api/reports/schedules", "schedules-api", {}),
        ("POST", "/api/reports/schedules", "schedules-api", {}),
        ("GET", "/api/reports/schedules/s1", "schedules-api", {"schedule_id": "s1"}),
        ("PUT", "/api/reports/schedules/s1", "schedules-api", {"schedule_id": "s1"}),
        ("DELETE", "/api/reports/schedules/s1", "schedules-api", {"schedule_id": "s1"}),
        ("POST", "/api/reports/schedules/s1/run", "schedules-api", {"schedule_id": "s1"}),
        ("PATCH", "/api/reports/schedules/s1/toggle", "schedules-api", {"schedule_id": "s1"}),
        ("GET", "/api/reports/exports", "exports-api", {}),
        ("POST", "/api/reports/exports", "exports-api", {}),
        ("GET", "/api/reports/exports/e1", "exports-api", {"export_id": "e1"}),
        ("DELETE", "/api/reports/exports/e1", "exports-api", {"export_id": "e1"}),
        ("GET", "/api/reports/exports/e1/download", "exports-api", {"export_id": "e1"}),
        ("POST", "/api/reports/exports/e1/retry", "exports-api", {"export_id": "e1"}),
    ],
)
def test_each_route_reaches_its_owner(method: str, path: str, function: str, params: dict[str, str]) -> None:
    found = select(TABLE, method, path)
    assert found is not None, f"{method} {path} reaches nothing"
    route, path_params = found
    assert (route.function, path_params) == (function, params)


def test_the_report_builder_declares_no_catch_all_route() -> None:
    for key in REPORTS_API.routes:
        assert not key.startswith("ANY ")
        assert "+}" not in key
    assert select(TABLE, "POST", "/api/reports/r1") is None
    assert select(TABLE, "PATCH", "/api/reports/r1") is None
