"""Cognito pre-token-generation trigger: the ID token carries the user's `tenant` and `roles` (from the directory's
`custom:tenant` and `custom:roles`), the claims the API's JWT authorizer passes on. Standard library only."""

from __future__ import annotations

from typing import Any

from shared.catalog.platform import USERS

KNOWN_ROLES = ("admin", "user", "platform-admin")


class MissingTenant(Exception):
    """The user has no tenant in the directory: Cognito refuses the sign-in with this message."""


def claims_for(attributes: dict[str, str]) -> dict[str, str]:
    """The claims to add: the tenant (required) and the known roles (`user` when none) in the one string form the API
    reads, `[a b]` (a V1 trigger adds strings only; API Gateway passes a string claim on unchanged)."""
    tenant = (attributes.get(USERS.tenant_attribute) or "").strip()
    if not tenant:
        raise MissingTenant("this user belongs to no tenant; ask an admin to add you with `user add --tenant`")
    given = (attributes.get(USERS.roles_attribute) or "").replace(",", " ").split()
    roles = [role for role in KNOWN_ROLES if role in given] or ["user"]
    return {"tenant": tenant, "roles": "[" + " ".join(roles) + "]"}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    claims = claims_for(event["request"].get("userAttributes") or {})
    event.setdefault("response", {})["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": claims,
        "claimsToSuppress": [USERS.tenant_attribute, USERS.roles_attribute],
    }
    return event
