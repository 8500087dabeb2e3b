"""Verifying the platform's JWTs outside API Gateway's JWT authorizer (WebSocket APIs have none): RS256 against the
issuer's published keys (`<issuer>/.well-known/jwks.json`, as Cognito publishes them), issuer and audience (`aud`, or
`client_id` of a Cognito access token, as API Gateway's JWT authorizer accepts either) checked."""

from __future__ import annotations

from functools import cache
from typing import Any

import jwt

from shared.errors import ConfigurationError, Unauthorized
from shared.settings import get_settings


@cache
def _keys(issuer: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(f"{issuer.rstrip('/')}/.well-known/jwks.json", cache_keys=True, timeout=5)


def verify(token: str) -> dict[str, Any]:
    """The token's claims; Unauthorized names what is wrong (missing, expired, wrong issuer or audience, bad key)."""
    settings = get_settings()
    if not settings.jwt_issuer or not settings.jwt_audience:
        raise ConfigurationError("JWT_ISSUER and JWT_AUDIENCE must be set for the stream authorizer")
    if not token:
        raise Unauthorized("a token query parameter is required")
    try:
        key = _keys(settings.jwt_issuer).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "iss"], "verify_aud": False},
            leeway=5,
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
        raise Unauthorized(f"the token was refused: {error}") from None
    audiences = {a for a in settings.jwt_audience.split(",") if a}
    given = claims.get("aud", claims.get("client_id"))
    if not audiences & set(given if isinstance(given, list) else [given]):
        raise Unauthorized("the token was refused: it is not meant for this API (aud / client_id)")
    return claims
