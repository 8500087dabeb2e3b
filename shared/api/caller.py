"""Who is calling: the JWT claims that API Gateway (or the local adapter) verified, as one model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from shared.errors import Forbidden, Unauthorized

Role = Literal["admin", "user"]


class Caller(BaseModel):
    """The verified identity behind a request. The tenant always comes from here, never from a body."""

    model_config = ConfigDict(frozen=True)

    sub: str
    tenant: str
    roles: tuple[Role, ...] = ("user",)
    scopes: tuple[str, ...] = ()
    email: str | None = None

    @field_validator("roles", "scopes", mode="before")
    @classmethod
    def _split_claim_list(cls, value: Any) -> Any:
        """API Gateway passes list claims as strings (`"[admin user]"`); tokens may carry lists or spaced strings."""
        if isinstance(value, str):
            return tuple(part for part in value.strip("[]").replace(",", " ").split() if part)
        return value

    @field_validator("roles", mode="after")
    @classmethod
    def _known_roles_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return value or ("user",)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def require_admin(self, action: str) -> None:
        """Raise Forbidden, naming the action, unless the caller is an admin of their tenant."""
        if not self.is_admin:
            raise Forbidden(f"only an admin may {action}")

    def has_scope(self, scope: str) -> bool:
        return self.is_admin or scope in self.scopes


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    """Build the caller from verified claims; missing or malformed claims are a 401, never a 500."""
    if not claims:
        raise Unauthorized("a bearer token is required")
    known: dict[str, Any] = {key: claims[key] for key in ("sub", "tenant", "roles", "email") if key in claims}
    scope = claims.get("scope", claims.get("scopes"))
    if scope is not None:
        known["scopes"] = scope
    if "roles" in known and isinstance(known["roles"], str):
        known["roles"] = [r for r in known["roles"].strip("[]").replace(",", " ").split() if r in ("admin", "user")]
    try:
        return Caller.model_validate(known)
    except ValidationError as err:
        missing = ", ".join(str(e["loc"][0]) for e in err.errors() if e["loc"])
        raise Unauthorized(f"the token's claims are incomplete or malformed: {missing}") from None
