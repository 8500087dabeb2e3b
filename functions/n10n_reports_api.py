"""mobile-n10n's report routes, for its clients unchanged: `GET /notifications?type=&from=&until=&includeDryRun=`,
`GET /notifications/{id}` (an API key, checked by the `api-key-authorizer` in front) and `GET /healthcheck`."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared import clock
from shared.api.resolver import new_resolver
from shared.errors import Unauthorized
from shared.notifications import n10n_reports
from shared.observability import http_entry
from shared.settings import get_settings

router = Router()


def _require_key() -> None:
    """Defence in depth behind the API-key authorizer: no key context, no route."""
    authorizer = router.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    if not (authorizer.get("lambda") or {}).get("keyId"):
        raise Unauthorized("A valid api key is required")


def _json(value: Any) -> Response[str]:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=json.dumps(value))


@router.get("/healthcheck", summary="mobile-n10n's health check: `Good`", tags=["n10n"], security=[])
def health_check() -> Response[str]:
    return Response(status_code=200, content_type="text/plain; charset=utf-8", body="Good")


@router.get("/notifications", summary="mobile-n10n: reports of one type by date range, oldest first", tags=["n10n"])
def notifications() -> Response[str]:
    _require_key()
    query = router.current_event.query_string_parameters or {}
    type_ = n10n_reports.notification_type(query.get("type"))
    since, until = n10n_reports.report_range(query.get("from"), query.get("until"), clock.now())
    dry_runs = n10n_reports.include_dry_run(query.get("includeDryRun"))
    records = n10n_reports.list_reports(type_, since, until, dry_runs, get_settings().notification_page_size)
    return _json([n10n_reports.n10n_view(r) for r in records])


@router.get("/notifications/<notification_id>", summary="mobile-n10n: one notification report", tags=["n10n"])
def notification(notification_id: str) -> Response[str]:
    _require_key()
    return _json(n10n_reports.n10n_view(n10n_reports.get_report(notification_id)))


app = new_resolver(router, public=True)
handler = http_entry(app.resolve)
