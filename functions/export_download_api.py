"""`GET /api/reports/exports/{export_id}/download`: checks the caller, then 302 to a presigned URL valid 5 minutes."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.api.replies import CallerDep
from shared.api.resolver import new_resolver
from shared.jobs import logic as jobs
from shared.observability import http_entry
from shared.subscriptions.models import ReportFormat

router = Router()


@router.get(
    "/api/reports/exports/<export_id>/download",
    summary="Download an export (redirects to a short-lived S3 URL)",
    responses={302: {"description": "Location: a presigned S3 URL valid 5 minutes"}},
)
def download(
    export_id: str,
    caller: CallerDep,
    format: Annotated[ReportFormat | None, Query()] = None,
) -> Response[str]:
    location = jobs.download_location(caller, export_id, format)
    return Response(status_code=302, body="", headers={"Location": location, "Cache-Control": "no-store"})


app = new_resolver(router)
handler = http_entry(app.resolve)
