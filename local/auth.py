"""Local tokens: HS256 JWTs signed with a key kept under `.local/`, carrying the claims API Gateway would pass on."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from local.paths import state_dir

ISSUER = "https://auth.local.report-platform"
AUDIENCE = "report-platform"
ALGORITHM = "HS256"


class TokenRejected(Exception):
    """The token is missing, malformed, expired or not signed by the local key."""


def signing_key(path: Path | None = None) -> bytes:
    """The local signing key, made on first use and kept so tokens outlive a restart."""
    key_file = path or state_dir() / "signing.key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip().encode()


def mint_token(
    tenant: str,
    sub: str,
    roles: list[str],
    *,
    scopes: list[str] | None = None,
    email: str | None = None,
    ttl: timedelta = timedelta(hours=12),
    key: bytes | None = None,
) -> str:
    """A signed token valid for `ttl` from now on the wall clock, which the verifier (PyJWT, like API Gateway's
    authorizer) checks against: never the shared clock, which tests and demos may set to another day."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub,
        "tenant": tenant,
        "roles": roles,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    if email:
        claims["email"] = email
    return jwt.encode(claims, key or signing_key(), algorithm=ALGORITHM)


def verify_token(authorization: str | None, key: bytes | None = None) -> dict[str, Any]:
    """The claims of a `Bearer` token, as the API Gateway JWT authorizer would accept it."""
    if not authorization:
        raise TokenRejected("a bearer token is required (Authorization: Bearer <token>)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected("the Authorization header must be 'Bearer <token>'")
    try:
        claims: dict[str, Any] = jwt.decode(
            token.strip(),
            key or signing_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss", "aud"]},
            leeway=5,
        )
    except jwt.ExpiredSignatureError:
        raise TokenRejected("the token has expired") from None
    except jwt.InvalidTokenError as error:
        raise TokenRejected(f"the token is not valid: {error}") from None
    return claims
