"""Seed 004's `/api/reports/schedules` and `/api/reports/exports` routes: views over the subscription and job model
(a schedule is a subscription, an export is a job). The download route is `export_download_api`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.api.replies import CallerDep, json_reply, no_content
from shared.api.resolver import new_resolver
from shared.exports import logic
from shared.exports.models import ExportIn, ExportOut, ExportPage, ScheduleIn, ScheduleOut, SchedulePage
from shared.observability import http_entry

router = Router()
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]


@router.get("/api/reports/schedules", summary="The caller's report schedules (an admin: the tenant's)")
def list_schedules(caller: CallerDep, limit: Limit = 50, cursor: Cursor = None) -> SchedulePage:
    return logic.list_schedules(caller, limit, cursor)


@router.post("/api/reports/schedules", summary="Schedule a saved report", responses={201: {"description": "Created"}})
def create_schedule(body: ScheduleIn, caller: CallerDep) -> Response[ScheduleOut]:
    return json_reply(201, logic.create_schedule(caller, body))


@router.get("/api/reports/schedules/<schedule_id>", summary="A report schedule")
def read_schedule(schedule_id: str, caller: CallerDep) -> ScheduleOut:
    return logic.get_schedule(caller, schedule_id)


@router.put("/api/reports/schedules/<schedule_id>", summary="Replace a report schedule")
def replace_schedule(schedule_id: str, body: ScheduleIn, caller: CallerDep) -> ScheduleOut:
    return logic.replace_schedule(caller, schedule_id, body)


@router.delete("/api/reports/schedules/<schedule_id>", summary="Delete a schedule: no further runs")
def delete_schedule(schedule_id: str, caller: CallerDep) -> Response[str]:
    logic.delete_schedule(caller, schedule_id)
    return no_content()


@router.post(
    "/api/reports/schedules/<schedule_id>/run",
    summary="Run the schedule now: the export it started",
    responses={202: {"description": "Started"}},
)
def run_schedule(schedule_id: str, caller: CallerDep) -> Response[ExportOut]:
    return json_reply(202, logic.run_schedule(caller, schedule_id))


@router.patch("/api/reports/schedules/<schedule_id>/toggle", summary="Pause an active schedule, resume a paused one")
def toggle_schedule(schedule_id: str, caller: CallerDep) -> ScheduleOut:
    return logic.toggle_schedule(caller, schedule_id)


@router.get("/api/reports/exports", summary="The caller's exports (an admin: the tenant's), newest first")
def list_exports(caller: CallerDep, limit: Limit = 50, cursor: Cursor = None) -> ExportPage:
    return logic.list_exports(caller, limit, cursor)


@router.post("/api/reports/exports", summary="Export a saved report once", responses={202: {"description": "Started"}})
def create_export(body: ExportIn, caller: CallerDep) -> Response[ExportOut]:
    return json_reply(202, logic.create_export(caller, body))


@router.get("/api/reports/exports/<export_id>", summary="An export's status, size, rows and download route")
def read_export(export_id: str, caller: CallerDep) -> ExportOut:
    return logic.get_export(caller, export_id)


@router.post(
    "/api/reports/exports/<export_id>/retry",
    summary="Run a failed export again (409 otherwise)",
    responses={202: {"description": "Started"}},
)
def retry_export(export_id: str, caller: CallerDep) -> Response[ExportOut]:
    return json_reply(202, logic.retry_export(caller, export_id))


@router.delete("/api/reports/exports/<export_id>", summary="Delete an export's files; the job record is kept")
def delete_export(export_id: str, caller: CallerDep) -> Response[str]:
    logic.delete_export(caller, export_id)
    return no_content()


app = new_resolver(router)
handler = http_entry(app.resolve)
