"""The report builder's routes (seed 004): saved reports, their preview, the field catalog and query validation.

`/api/reports/schedules...` and `/api/reports/exports...` belong to other functions: this one declares explicit route
keys (see `shared.catalog.reports.REPORTS_API`), and their literal routes win over `{report_id}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict

from shared.api.replies import CallerDep, json_reply, no_content
from shared.api.resolver import new_resolver
from shared.observability import http_entry
from shared.reports import logic
from shared.reports.models import PreviewPage, QueryCheck, Report, ReportIn, ReportPage, TablesReply

router = Router()
ReportId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Cursor = Annotated[str | None, Query(max_length=512)]


class QueryToCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: Any
    visualization: Any = None


@router.get("/api/reports/tables", summary="The tables and fields a report may name, with their filters")
def list_tables(caller: CallerDep) -> TablesReply:
    return logic.tables()


@router.post("/api/reports/validate-query", summary="Check a query (and visualization) before saving it")
def validate_query(caller: CallerDep, body: Annotated[QueryToCheck, Body()]) -> QueryCheck:
    return logic.check_query(body.query, body.visualization)


@router.get("/api/reports", summary="The caller's reports and the tenant's public ones")
def list_reports(
    caller: CallerDep, limit: Annotated[int, Query(ge=1, le=100)] = 50, cursor: Cursor = None
) -> ReportPage:
    return logic.listing(caller, limit, cursor)


@router.post(
    "/api/reports",
    summary="Save a new report",
    responses={201: {"description": "The saved report", "content": {"application/json": {"model": Report}}}},
)
def create_report(caller: CallerDep, body: Annotated[ReportIn, Body()]) -> Response[Report]:
    created = logic.create(caller, body)
    return json_reply(201, created)


@router.get("/api/reports/<report_id>", summary="One report")
def get_report(caller: CallerDep, report_id: ReportId) -> Report:
    return logic.get(caller, report_id)


@router.put("/api/reports/<report_id>", summary="Replace a report (its author or an admin)")
def replace_report(caller: CallerDep, report_id: ReportId, body: Annotated[ReportIn, Body()]) -> Report:
    return logic.replace(caller, report_id, body)


@router.delete("/api/reports/<report_id>", summary="Delete a report (its author or an admin)")
def delete_report(caller: CallerDep, report_id: ReportId) -> Response[str]:
    logic.delete(caller, report_id)
    return no_content()


@router.get("/api/reports/<report_id>/preview", summary="A page of the report's rows (cursor paging)")
def preview_report(
    caller: CallerDep,
    report_id: ReportId,
    limit: Annotated[int, Query(ge=1, le=logic.MAX_PREVIEW_ROWS)] = 50,
    cursor: Cursor = None,
) -> PreviewPage:
    return logic.preview(caller, report_id, limit, cursor)


app = new_resolver(router)
handler = http_entry(app.resolve)
