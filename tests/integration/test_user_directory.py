"""The user directory (moto's Cognito, made from the catalog): `user add`, recipients resolved from it when a token
carries no email (seed 001's own body), unknown users refused with a 400, and the pre-token-generation trigger."""

from __future__ import annotations

import io

import pytest

from local import lambdas
from local.__main__ import main
from local.runtime import LocalRuntime
from local.users_demo import DEMO_USERS, load_users
from shared.api.caller import caller_from_claims
from shared.catalog.platform import PRE_TOKEN_GENERATION, USERS
from shared.directory import Directory
from shared.settings import get_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import TRIAL, small_trial

SEED_BODY = {"userId": "123456", "reportType": "weekly", "filters": {"dateRange": "last_week", "fileTypes": ["pdf"]}}


@pytest.fixture
def directory(clean: LocalRuntime) -> Directory:
    return Directory(get_settings().name_of(USERS))


def test_user_add_puts_a_tenant_user_with_role_and_email_in_the_running_twin(
    directory: Directory, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--tenant", "acme", "--email", "lead@acme.test", "--role", "admin", "--name", "Lead"]
    code = main(["user", "add", *options, "--user-id", "123456", "--password", "Long-enough-1!"])
    assert code == 0
    assert "added 123456 <lead@acme.test> to tenant acme as admin" in capsys.readouterr().out
    user = directory.find("acme", "123456")
    assert user is not None
    assert (user.email, user.name, user.roles, user.tenant) == ("lead@acme.test", "Lead", ("admin",), "acme")
    assert directory.find("acme", user.sub) == user, "found by Cognito's sub too"
    assert directory.find("globex", "123456") is None, "another tenant's user is unknown"

    again = main(["user", "add", "--tenant", "acme", "--email", "x@acme.test", "--user-id", "123456"])
    assert again == 1
    assert "already exists" in capsys.readouterr().err


def test_seed_001_body_without_an_email_in_the_token_mails_the_directory_address(
    directory: Directory, clean: LocalRuntime, token: TokenFactory
) -> None:
    small_trial(members=("123456",))
    directory.add("acme", "trial.lead@acme.test", "user", user_id="123456")
    caller = ApiClient(clean.url, token=token(sub="123456", role="user"))

    reply = caller.post("/api/subscriptions", SEED_BODY)

    assert reply.status == 201, reply.body
    stored = caller.get(f"/api/subscriptions/{reply.json['subscriptionId']}").json
    assert stored["channels"] == [{"channel": "email", "recipients": ["trial.lead@acme.test"], "config": {}}]
    assert stored["ownerEmail"] == "trial.lead@acme.test"
    assert stored["filters"]["trialId"] == TRIAL


def test_a_user_unknown_to_the_directory_is_a_400_that_says_so(
    directory: Directory, clean: LocalRuntime, token: TokenFactory
) -> None:
    small_trial(members=("123456",))
    directory.add("globex", "someone@globex.test", "user", user_id="123456")  # the same id, another tenant
    caller = ApiClient(clean.url, token=token(sub="123456", role="user"))

    reply = caller.post("/api/subscriptions", SEED_BODY)

    assert reply.status == 400
    assert reply.json["message"] == "user '123456' is not in the user directory of tenant 'acme'"
    assert caller.get("/api/subscriptions").json["items"] == []


def test_the_pre_token_trigger_adds_tenant_and_known_roles_and_refuses_a_user_without_tenant(
    clean: LocalRuntime,
) -> None:
    event = {
        "triggerSource": "TokenGeneration_Authentication",
        "request": {"userAttributes": {"sub": "s-1", "custom:tenant": "acme", "custom:roles": "admin,root user"}},
        "response": {},
    }
    reply = lambdas.invoke(PRE_TOKEN_GENERATION.name, event)
    details = reply["response"]["claimsOverrideDetails"]
    claims = details["claimsToAddOrOverride"]
    assert claims == {"tenant": "acme", "roles": "[admin user]"}
    caller = caller_from_claims({"sub": "s-1", **claims})  # the token the API then reads, as API Gateway passes it
    assert (caller.tenant, caller.roles) == ("acme", ("admin", "user"))
    assert details["claimsToSuppress"] == ["custom:tenant", "custom:roles"]

    with pytest.raises(Exception, match="belongs to no tenant"):
        lambdas.invoke(PRE_TOKEN_GENERATION.name, {"request": {"userAttributes": {"sub": "s-2"}}, "response": {}})


def test_make_run_seeds_the_demo_users_seed_001s_included(directory: Directory) -> None:
    summary = load_users(io.StringIO())

    assert summary.startswith(f"{len(DEMO_USERS)} users in tenants acme, globex")
    seed_user = directory.find("acme", "123456")
    assert seed_user is not None
    assert seed_user.email == "trial.lead@example.com"
    admin = directory.find("acme", "demo-admin")
    assert admin is not None
    assert admin.roles == ("admin",)
    assert directory.find("acme", "bob") is None, "bob is globex's"
