"""Who is calling: the JWT claims that API Gateway (or the local adapter) verified, as one model.

Claim rules (a token breaking one is a 401 with the house error body):
- `tenant`: a string in the one canonical form `TENANT_PATTERN` (lowercase letters, digits and hyphens, 2 to 63
  characters, starting with a letter or digit); `"ACME"`, `"acme "`, `"*"`, `""`, null, a number or a list is refused,
  never taken as a tenant of its own.
- `sub`: a non-empty string without surrounding spaces.
- `roles`: a list of strings, or the one string form API Gateway's JWT authorizer makes of a list: `[a b]` (brackets,
  single spaces, no commas or quotes); unknown role names are dropped, none left means `user`.
- `scope` / `scopes`: a space-separated string (OAuth) or a list, or API Gateway's `[a b]`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import Forbidden, Unauthorized

Role = Literal["admin", "user", "platform-admin"]
KNOWN_ROLES: frozenset[str] = frozenset({"admin", "user", "platform-admin"})
TENANT_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
"""The canonical tenant id: what a token's `tenant` claim must be, exactly."""
FLATTENED_LIST = re.compile(r"^\[(?:[^\s\[\]\",]+(?: [^\s\[\]\",]+)*)?\]$")
"""A list claim as API Gateway's HTTP API JWT authorizer passes it on: `[admin user]`."""
_TENANT = re.compile(TENANT_PATTERN)
_WORD = re.compile(r"^[^\s\[\]\",]+$")


class Caller(BaseModel):
    """The verified identity behind a request. The tenant always comes from here, never from a body."""

    model_config = ConfigDict(frozen=True)

    sub: str = Field(min_length=1, max_length=256)
    tenant: str = Field(pattern=TENANT_PATTERN)
    roles: tuple[Role, ...] = ("user",)
    scopes: tuple[str, ...] = ()
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        """An admin of the caller's own tenant."""
        return "admin" in self.roles

    @property
    def is_platform_admin(self) -> bool:
        """An operator of the platform itself (above every tenant): may do what concerns all tenants."""
        return "platform-admin" in self.roles

    def require_admin(self, action: str) -> None:
        """Raise Forbidden, naming the action, unless the caller is an admin of their tenant."""
        if not self.is_admin:
            raise Forbidden(f"only an admin may {action}")

    def has_scope(self, scope: str) -> bool:
        """Whether the token carries `scope` (a tenant's admin role grants no scope)."""
        return scope in self.scopes


def _list_claim(name: str, value: Any) -> list[str]:
    """A list claim as a list of words: a JSON list of strings, or API Gateway's flattened `[a b]` string; for
    scopes also OAuth's space-separated string. Anything else is a 401."""
    if isinstance(value, list) and all(isinstance(v, str) and _WORD.fullmatch(v) for v in value):
        return list(value)
    if isinstance(value, str) and FLATTENED_LIST.fullmatch(value):
        return value[1:-1].split()
    if name == "scopes" and isinstance(value, str) and all(_WORD.fullmatch(v) for v in value.split(" ") if v):
        return value.split()
    raise Unauthorized(f"the token's {name} claim is malformed: a list of names, or '[a b]' as API Gateway passes it")


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    """Build the caller from verified claims; missing or malformed claims are a 401, never a 500."""
    if not claims:
        raise Unauthorized("a bearer token is required")
    tenant = claims.get("tenant")
    if not isinstance(tenant, str) or not _TENANT.fullmatch(tenant):
        raise Unauthorized(f"the token's tenant claim is missing or not a tenant id (it must match {TENANT_PATTERN})")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or sub != sub.strip():
        raise Unauthorized("the token's sub claim is missing or malformed")
    known: dict[str, Any] = {"sub": sub, "tenant": tenant}
    if "roles" in claims:
        known["roles"] = [r for r in _list_claim("roles", claims["roles"]) if r in KNOWN_ROLES] or ["user"]
    scope = claims.get("scope", claims.get("scopes"))
    if scope is not None:
        known["scopes"] = _list_claim("scopes", scope)
    email = claims.get("email")
    if email is not None:
        if not isinstance(email, str):
            raise Unauthorized("the token's email claim is malformed")
        known["email"] = email
    try:
        return Caller.model_validate(known)
    except ValidationError as err:
        malformed = ", ".join(str(e["loc"][0]) for e in err.errors() if e["loc"])
        raise Unauthorized(f"the token's claims are incomplete or malformed: {malformed}") from None
