from typing import Any

import pytest

from shared.api.caller import caller_from_claims
from shared.errors import Forbidden, Unauthorized


def test_list_claims_as_api_gateway_passes_them() -> None:
    caller = caller_from_claims({"sub": "u1", "tenant": "acme", "roles": "[admin user]", "scope": "a b"})
    assert caller.roles == ("admin", "user")
    assert caller.scopes == ("a", "b")
    assert caller.is_admin


def test_list_claims_as_real_lists() -> None:
    caller = caller_from_claims({"sub": "u1", "tenant": "acme", "roles": ["user"]})
    assert not caller.is_admin
    with pytest.raises(Forbidden, match="only an admin may delete"):
        caller.require_admin("delete")


def test_unknown_roles_are_dropped_and_default_is_user() -> None:
    assert caller_from_claims({"sub": "u1", "tenant": "tt", "roles": "[root]"}).roles == ("user",)


def test_a_tenant_admin_holds_no_scope() -> None:
    caller = caller_from_claims({"sub": "u1", "tenant": "acme", "roles": ["admin"]})
    assert not caller.has_scope("notifications:send")
    assert caller_from_claims({"sub": "u1", "tenant": "acme", "scope": "notifications:send"}).has_scope(
        "notifications:send"
    )


@pytest.mark.parametrize("claims", [None, {}, {"sub": "u1"}, {"tenant": "acme"}])
def test_missing_identity_is_unauthorized(claims: dict[str, str] | None) -> None:
    with pytest.raises(Unauthorized):
        caller_from_claims(claims)


@pytest.mark.parametrize("tenant", ["acme ", "ACME", None, ["acme"], 1, "*", "", "a", "-acme", "ac_me", "[acme]"])
def test_a_tenant_claim_not_in_canonical_form_is_unauthorized(tenant: Any) -> None:
    with pytest.raises(Unauthorized, match="tenant claim"):
        caller_from_claims({"sub": "u1", "tenant": tenant, "roles": ["admin"]})


@pytest.mark.parametrize("roles", ["admin", "[admin, user]", "[ admin]", "[admin  user]", '["admin"]', "admin user", 7])
def test_roles_as_a_string_only_in_api_gateways_flattened_form(roles: Any) -> None:
    with pytest.raises(Unauthorized, match="roles claim"):
        caller_from_claims({"sub": "u1", "tenant": "acme", "roles": roles})


def test_the_flattened_empty_list_is_a_plain_user() -> None:
    assert caller_from_claims({"sub": "u1", "tenant": "acme", "roles": "[]"}).roles == ("user",)
