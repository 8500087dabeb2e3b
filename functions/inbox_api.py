"""`GET /api/inbox` and `POST /api/inbox/{item_id}/read`: the caller's own dashboard inbox."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.api.replies import CallerDep
from shared.api.resolver import new_resolver
from shared.inbox import logic
from shared.inbox.models import InboxItem, InboxPage
from shared.observability import http_entry

router = Router()


@router.get("/api/inbox", summary="The caller's inbox, newest first", tags=["inbox"])
def list_inbox(
    caller: CallerDep,
    unread: Annotated[bool, Query(description="only items not yet read")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page")] = None,
) -> InboxPage:
    return logic.list_inbox(caller.tenant, caller.sub, limit, unread, cursor)


@router.post("/api/inbox/<item_id>/read", summary="Mark one of the caller's inbox items read", tags=["inbox"])
def mark_read(item_id: str, caller: CallerDep) -> InboxItem:
    return logic.mark_read(caller.tenant, caller.sub, item_id)


app = new_resolver(router)
handler = http_entry(app.resolve)
