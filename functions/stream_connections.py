"""The stream's WebSocket routes: `$connect` records the authorised caller's connection and filters, `$disconnect`
forgets it, `$default` answers any message the browser sends with nothing."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.api.caller import caller_from_claims
from shared.errors import InvalidInput, Unauthorized
from shared.observability import lambda_entry, logger
from shared.stream import logic


def _route(event: dict[str, Any], _context: LambdaContext) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    route, connection_id = context.get("routeKey"), str(context.get("connectionId", ""))
    claims = context.get("authorizer") or {}
    if route == "$connect":
        try:
            caller = caller_from_claims(claims)
            request = logic.parse_request(event.get("queryStringParameters"))
        except Unauthorized as refused:
            return {"statusCode": 401, "body": str(refused)}
        except InvalidInput as invalid:
            return {"statusCode": 400, "body": str(invalid)}
        logic.connect(caller, connection_id, request)
    elif route == "$disconnect" and claims.get("tenant"):
        logic.disconnect(str(claims["tenant"]), connection_id)
    else:
        logger.debug("stream message ignored", extra={"route": route})
    return {"statusCode": 200}


handler = lambda_entry(_route, "requestContext.requestId")
