"""`POST /api/notifications` (send, deduplicated), `GET /api/notifications` (reports by date range, paged) and
`GET /api/notifications/{id}`. Notifications are platform-level: any authenticated caller may read them; sending
reaches every device of every tenant, so it needs the `notifications:send` scope or the `platform-admin` role (a
tenant's admin role is not enough)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from shared import clock
from shared.api.replies import CallerDep
from shared.api.resolver import new_resolver
from shared.errors import Forbidden
from shared.notifications import reports, sending
from shared.notifications.models import NotificationReport, NotificationType, ReportPage, SendReply
from shared.notifications.payloads import AnyNotification
from shared.observability import http_entry

SEND_SCOPE = "notifications:send"

router = Router()


@router.post("/api/notifications", summary="Send a notification once per id", tags=["notifications"])
def send_notification(request: Annotated[AnyNotification, Body()], caller: CallerDep) -> SendReply:
    if not (caller.has_scope(SEND_SCOPE) or caller.is_platform_admin):
        raise Forbidden(
            f"sending a notification reaches every tenant's devices: it needs the {SEND_SCOPE} scope or the "
            "platform-admin role"
        )
    return sending.send(request, clock.now())


@router.get("/api/notifications", summary="Notification reports by date range, newest first", tags=["notifications"])
def list_notifications(
    caller: CallerDep,
    type_: Annotated[NotificationType | None, Query(alias="type")] = None,
    since: Annotated[str | None, Query(alias="from", description="ISO-8601 date or date-time")] = None,
    until: Annotated[str | None, Query(description="ISO-8601 date or date-time; default now")] = None,
    include_dry_run: Annotated[bool, Query(alias="includeDryRun")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="the cursor of the previous page")] = None,
) -> ReportPage:
    return reports.list_reports(type_, since, until, include_dry_run, limit, cursor, clock.now())


@router.get("/api/notifications/<notification_id>", summary="One notification report", tags=["notifications"])
def get_notification(notification_id: str, caller: CallerDep) -> NotificationReport:
    return reports.get_report(notification_id)


app = new_resolver(router)
handler = http_entry(app.resolve)
