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
    assert caller_from_claims({"sub": "u1", "tenant": "t", "roles": "[root]"}).roles == ("user",)


@pytest.mark.parametrize("claims", [None, {}, {"sub": "u1"}, {"tenant": "acme"}])
def test_missing_identity_is_unauthorized(claims: dict[str, str] | None) -> None:
    with pytest.raises(Unauthorized):
        caller_from_claims(claims)
