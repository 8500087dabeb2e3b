"""The user directory: who a tenant's users are (email, name, roles), in a Cognito user pool (moto's locally).

Recipients' addresses come from here, not only from tokens. A user is found by the id the API knows: the token's
`sub` (Cognito's immutable user id) or the directory's username (the id given at `user add`)."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any, Literal

from pydantic import BaseModel

from shared.aws import client
from shared.catalog.platform import USERS
from shared.errors import Conflict, InvalidInput
from shared.settings import get_settings

Role = Literal["admin", "user", "platform-admin"]
ROLES: tuple[Role, ...] = ("admin", "user", "platform-admin")
"""`platform-admin`: an operator of the platform itself (may send platform-wide pushes), not only of a tenant."""
USER_ID = re.compile(r"^[\w.+@-]{1,128}$")
"""What a user id may hold (Cognito usernames and subs both fit); anything else is refused before a filter is built."""


class DirectoryUser(BaseModel):
    userId: str
    """The directory's username."""
    sub: str
    tenant: str
    email: str | None = None
    name: str | None = None
    roles: tuple[Role, ...] = ("user",)
    enabled: bool = True


def _user_of(username: str, attributes: list[dict[str, str]], enabled: bool = True) -> DirectoryUser:
    values = {a["Name"]: a["Value"] for a in attributes}
    given = (values.get(USERS.roles_attribute) or "").replace(",", " ").split()
    roles = tuple(r for r in ROLES if r in given) or ("user",)
    return DirectoryUser(
        userId=username,
        sub=values.get("sub", username),
        tenant=values.get(USERS.tenant_attribute, ""),
        email=values.get("email"),
        name=values.get("name"),
        roles=roles,
        enabled=enabled,
    )


class Directory:
    """One user pool. `Directory.configured()` is the function's own (its `USER_POOL_ID`), or None without one."""

    def __init__(self, pool_id: str) -> None:
        self.pool_id = pool_id

    @classmethod
    def configured(cls) -> Directory | None:
        pool_id = get_settings().resources.get(USERS.env_var)
        return cls(pool_id) if pool_id else None

    def find(self, tenant: str, user_id: str) -> DirectoryUser | None:
        """The tenant's user with this sub or username; None for an unknown id or another tenant's user."""
        if not USER_ID.match(user_id):
            raise InvalidInput(f"userId {user_id[:80]!r} is not a user id (letters, digits and . _ + @ -)")
        idp = client("cognito-idp")
        found = idp.list_users(UserPoolId=self.pool_id, Filter=f'sub = "{user_id}"', Limit=1)["Users"]
        if found:
            user = _user_of(found[0]["Username"], found[0].get("Attributes", []), found[0].get("Enabled", True))
        else:
            try:
                reply = idp.admin_get_user(UserPoolId=self.pool_id, Username=user_id)
            except idp.exceptions.UserNotFoundException:
                return None
            user = _user_of(reply["Username"], reply.get("UserAttributes", []), reply.get("Enabled", True))
        return user if user.tenant == tenant and user.enabled else None

    def email_of(self, tenant: str, user_id: str) -> str:
        """The user's address; a 400 naming the id when the directory does not know it (or it has no address)."""
        user = self.find(tenant, user_id)
        if user is None:
            raise InvalidInput(f"user {user_id!r} is not in the user directory of tenant {tenant!r}")
        if not user.email:
            raise InvalidInput(f"user {user_id!r} has no email address in the user directory")
        return user.email

    def add(
        self,
        tenant: str,
        email: str,
        role: Role | tuple[Role, ...],
        name: str | None = None,
        user_id: str | None = None,
        password: str | None = None,
    ) -> DirectoryUser:
        """Create a user of `tenant`. With a `password` it is set as permanent (no invitation email); without one
        Cognito emails a temporary password. A taken user id is a Conflict."""
        username = user_id or f"u-{secrets.token_hex(6)}"
        if not USER_ID.match(username) or "@" in username:
            raise InvalidInput(f"user id {username!r}: letters, digits and . _ + - (not an email address)")
        attributes = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": USERS.tenant_attribute, "Value": tenant},
            {"Name": USERS.roles_attribute, "Value": role if isinstance(role, str) else " ".join(role)},
            *([{"Name": "name", "Value": name}] if name else []),
        ]
        idp = client("cognito-idp")
        params: dict[str, Any] = {"UserPoolId": self.pool_id, "Username": username, "UserAttributes": attributes}
        if password:
            params["MessageAction"] = "SUPPRESS"
        try:
            reply = idp.admin_create_user(**params)["User"]
        except idp.exceptions.UsernameExistsException:
            raise Conflict(f"user {username!r} already exists in the user directory") from None
        if password:
            idp.admin_set_user_password(UserPoolId=self.pool_id, Username=username, Password=password, Permanent=True)
        return _user_of(reply["Username"], reply.get("Attributes", []))

    def remove(self, user_id: str) -> None:
        client("cognito-idp").admin_delete_user(UserPoolId=self.pool_id, Username=user_id)

    def sign_in(self, client_id: str, user_id: str, password: str) -> str:
        """An ID token for the user (ADMIN_USER_PASSWORD_AUTH): what the dashboard and API take as a bearer token."""
        reply = client("cognito-idp").admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user_id, "PASSWORD": password},
        )
        if "AuthenticationResult" not in reply:
            raise InvalidInput(
                f"Cognito asks {user_id!r} for {reply.get('ChallengeName', 'another step')} first: sign in once "
                "through a Cognito client to set a password, or add the user with --password"
            )
        token: str = reply["AuthenticationResult"]["IdToken"]
        return token


def new_password() -> str:
    """A password that meets the user pool's policy (12+ characters, upper, lower, digit, symbol)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20)) + "aA1!"
