"""The Lambda REQUEST authorizer (payload 2.0, simple responses) of the mobile-n10n compatible routes: a usable
`Authorization: Bearer <key>` passes, with the key's id, name and scope as the authorizer context."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.api_keys import logic, store
from shared.observability import lambda_entry, logger


def _handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    key = logic.presented_key(headers.get("authorization"))
    record = store.get(logic.key_id(key)) if key else None
    if not logic.allows_reports(record):
        logger.info("api key refused", extra={"route": event.get("routeKey"), "known": record is not None})
        return {"isAuthorized": False}
    assert record is not None
    return {"isAuthorized": True, "context": {"keyId": record.id, "keyName": record.name, "scope": record.scope}}


handler = lambda_entry(_handle)
