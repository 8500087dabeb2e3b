"""The stream's `$connect` authorizer (Lambda REQUEST): the platform JWT from the `token` query parameter, verified
against the issuer's keys like the HTTP API's JWT authorizer; its claims become the connection's context."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.api.caller import caller_from_claims
from shared.errors import Unauthorized
from shared.observability import lambda_entry, logger
from shared.stream.tokens import verify


def _authorise(event: dict[str, Any], _context: LambdaContext) -> dict[str, Any]:
    token = (event.get("queryStringParameters") or {}).get("token", "")
    try:
        claims = verify(token)
        caller = caller_from_claims(claims)
    except Unauthorized as refused:
        logger.info("stream connection refused", extra={"reason": str(refused)})
        raise Exception("Unauthorized") from None  # API Gateway answers 401 to exactly this message
    return {
        "principalId": caller.sub,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}],
        },
        "context": {
            "sub": caller.sub,
            "tenant": caller.tenant,
            "roles": "[" + " ".join(caller.roles) + "]",  # the one string form `caller_from_claims` reads
            **({"email": caller.email} if caller.email else {}),
        },
    }


handler = lambda_entry(_authorise)
