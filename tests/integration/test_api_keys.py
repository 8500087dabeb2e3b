"""API keys of the mobile-n10n routes: made, listed and revoked by a platform admin, stored hashed, checked by the
Lambda authorizer the local adapter runs as API Gateway would; `python -m local api-key create` prints a usable key."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json

from local.__main__ import main
from local.runtime import LocalRuntime
from shared.api_keys import store
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient

ADMIN_SCOPE = "api-keys:admin"


def _reports(clean: LocalRuntime, key: str) -> int:
    """The status n10n's client gets for a report read with this key."""
    return ApiClient(clean.url).get("/notifications?type=news", token=key).status


def test_a_platform_admin_creates_lists_and_revokes_keys_stored_only_as_hashes(
    clean: LocalRuntime, token: TokenFactory
) -> None:
    admin = ApiClient(clean.url, token=token(role="user", sub="platform-ops", scopes=[ADMIN_SCOPE]))
    created = admin.post("/api/api-keys", {"name": "ophan dashboard", "scope": "report"})
    assert created.status == 201, created.body
    key = created.json["key"]
    assert key.startswith("n10n_")
    assert len(key) > 40
    assert created.json["id"] == hashlib.sha256(key.encode()).hexdigest()
    assert (created.json["scope"], created.json["createdBy"]) == ("report", "platform-ops")
    item = store._table().get_item(Key={"id": created.json["id"]})["Item"]
    assert "key" not in item
    assert key not in json.dumps(item, default=str), "the key itself is never stored"

    full = admin.post("/api/api-keys", {"name": "newsroom tools", "scope": "full"}).json
    listed = admin.get("/api/api-keys")
    assert listed.status == 200
    assert [(k["name"], k["scope"]) for k in listed.json["items"]] == [
        ("ophan dashboard", "report"),
        ("newsroom tools", "full"),
    ]
    assert all("key" not in k for k in listed.json["items"])

    assert _reports(clean, key) == 200
    assert _reports(clean, full["key"]) == 200, "n10n's report service takes both key sets"
    assert admin.delete(f"/api/api-keys/{created.json['id']}").status == 204
    assert _reports(clean, key) == 403, "a revoked key stops at once"
    assert _reports(clean, full["key"]) == 200
    revoked = next(k for k in admin.get("/api/api-keys").json["items"] if k["id"] == created.json["id"])
    assert revoked["revokedBy"] == "platform-ops"
    assert revoked["revokedAt"]
    assert admin.delete(f"/api/api-keys/{'0' * 64}").status == 404


def test_only_platform_admins_manage_keys_and_bad_requests_are_4xx(clean: LocalRuntime, token: TokenFactory) -> None:
    for caller in (token(role="admin"), token(role="user"), token(role="user", scopes=["notifications:send"])):
        client = ApiClient(clean.url, token=caller)
        assert client.post("/api/api-keys", {"name": "x", "scope": "report"}).status == 403
        assert client.get("/api/api-keys").status == 403
    assert ApiClient(clean.url).get("/api/api-keys").status == 401
    admin = ApiClient(clean.url, token=token(role="user", scopes=[ADMIN_SCOPE]))
    assert admin.post("/api/api-keys", {"name": "x", "scope": "everything"}).status == 422
    assert admin.post("/api/api-keys", {"name": "x", "scope": "report", "key": "short"}).status == 422
    assert store.list_all() == []


def test_an_existing_n10n_key_is_imported_so_its_clients_keep_working(clean: LocalRuntime, token: TokenFactory) -> None:
    admin = ApiClient(clean.url, token=token(role="user", scopes=[ADMIN_SCOPE]))
    existing = "a-key-the-guardian-configured-years-ago-0123"
    reply = admin.post("/api/api-keys", {"name": "legacy", "scope": "report", "key": existing})
    assert reply.status == 201
    assert reply.json["key"] == existing
    assert _reports(clean, existing) == 200
    assert admin.post("/api/api-keys", {"name": "again", "scope": "full", "key": existing}).status == 409


def test_the_authorizer_answers_as_api_gateway_does(clean: LocalRuntime, token: TokenFactory) -> None:
    client = ApiClient(clean.url)
    missing = client.get("/notifications?type=news")
    assert (missing.status, missing.json) == (401, {"message": "Unauthorized"})
    wrong = client.get("/notifications?type=news", token="n10n_not-a-key")
    assert (wrong.status, wrong.json) == (403, {"message": "Forbidden"})
    basic = client.get("/notifications?type=news", headers={"authorization": "Basic abc"})
    assert basic.status == 403
    assert client.get("/notifications?type=news", token=token(role="admin")).status == 403
    assert client.get("/healthcheck").status == 200


def test_the_cli_creates_lists_and_revokes_a_key(clean: LocalRuntime) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["api-key", "create", "--name", "ophan", "--scope", "report"]) == 0
    key = out.getvalue().strip()
    assert key.startswith("n10n_")
    assert "\n" not in key, "the key alone on stdout"
    assert "created report key 'ophan'" in err.getvalue()
    assert _reports(clean, key) == 200
    key_id = hashlib.sha256(key.encode()).hexdigest()
    listing = io.StringIO()
    with contextlib.redirect_stdout(listing):
        assert main(["api-key", "list"]) == 0
    assert key_id in listing.getvalue()
    assert key not in listing.getvalue()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["api-key", "revoke", "--id", key_id]) == 0
    assert _reports(clean, key) == 403
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["api-key", "revoke", "--id", "f" * 64]) == 1
