"""The report builder's route keys leave /api/reports/schedules... and /api/reports/exports... to the functions that
own them (`report-exports-api`, `export-download-api`), in the local adapter's route selection (whole catalog)."""

from __future__ import annotations

import pytest

from local.routes import route_table, select
from shared.catalog import FUNCTIONS
from shared.catalog.reports import REPORTS_API

TABLE = route_table(tuple(f for f in FUNCTIONS if f.kind == "api"))


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
        ("GET", "/api/reports/schedules", "report-exports-api", {}),
        ("POST", "/api/reports/schedules", "report-exports-api", {}),
        ("GET", "/api/reports/schedules/s1", "report-exports-api", {"schedule_id": "s1"}),
        ("PUT", "/api/reports/schedules/s1", "report-exports-api", {"schedule_id": "s1"}),
        ("DELETE", "/api/reports/schedules/s1", "report-exports-api", {"schedule_id": "s1"}),
        ("POST", "/api/reports/schedules/s1/run", "report-exports-api", {"schedule_id": "s1"}),
        ("PATCH", "/api/reports/schedules/s1/toggle", "report-exports-api", {"schedule_id": "s1"}),
        ("GET", "/api/reports/exports", "report-exports-api", {}),
        ("POST", "/api/reports/exports", "report-exports-api", {}),
        ("GET", "/api/reports/exports/e1", "report-exports-api", {"export_id": "e1"}),
        ("DELETE", "/api/reports/exports/e1", "report-exports-api", {"export_id": "e1"}),
        ("GET", "/api/reports/exports/e1/download", "export-download-api", {"export_id": "e1"}),
        ("POST", "/api/reports/exports/e1/retry", "report-exports-api", {"export_id": "e1"}),
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
