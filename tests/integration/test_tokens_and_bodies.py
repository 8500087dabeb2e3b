"""Issue 13, items 7, 8 and 10 (methods): odd tenant and roles claims are a 401, a body that is not UTF-8 is a 400,
and a method no route can have is a 405, each with the house error body, through the local HTTP API."""

from __future__ import annotations

import http.client
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest

from local.auth import ALGORITHM, AUDIENCE, ISSUER, signing_key
from local.runtime import LocalRuntime
from tests.support.api_client import ApiClient, Reply

HOUSE_BODY = {"error", "message", "details"}
BODY_ROUTES = [
    ("POST", "/api/subscriptions"),
    ("PATCH", "/api/subscriptions/sub_x"),
    ("POST", "/api/reports"),
    ("PUT", "/api/reports/schedules/sub_x"),
    ("POST", "/api/reports/exports"),
    ("POST", "/api/notifications"),
    ("POST", "/api/v1/reporting/deliver"),
    ("POST", "/api/v1/reporting/subscribe"),
]


def signed(claims: dict[str, Any]) -> str:
    now = datetime.now(UTC)
    expires = now + timedelta(hours=1)
    base = {"iss": ISSUER, "aud": AUDIENCE, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
    return jwt.encode({**base, **claims}, signing_key(), algorithm=ALGORITHM)


def assert_house(reply: Reply, status: int) -> None:
    assert reply.status == status, reply.body[:300]
    assert set(reply.json) == HOUSE_BODY


@pytest.mark.parametrize("tenant", ["acme ", "ACME", None, ["acme"], 1, "*", "", "a*", "acme/globex"])
def test_a_tenant_claim_that_is_not_a_canonical_tenant_id_is_a_401(api: ApiClient, tenant: Any) -> None:
    token = signed({"sub": "alice", "tenant": tenant, "roles": ["admin"]})
    for path in ("/api/subscriptions", "/api/reports", "/api/reports/exports", "/api/inbox", "/api/v1/reporting/stats"):
        reply = api.get(path, token=token)
        assert_house(reply, 401)
        assert "tenant" in reply.json["message"]


@pytest.mark.parametrize("roles", ["admin", "[admin, user]", '["admin"]', "admin user", 3])
def test_roles_as_a_string_only_in_api_gateways_form(clean: LocalRuntime, api: ApiClient, roles: Any) -> None:
    assert_house(api.get("/api/subscriptions", token=signed({"sub": "alice", "tenant": "acme", "roles": roles})), 401)


def test_the_flattened_form_is_what_the_local_authorizer_passes_on(api: ApiClient) -> None:
    reply = api.get("/api/subscriptions?all=true", token=signed({"sub": "alice", "tenant": "acme", "roles": ["admin"]}))
    assert reply.status == 200


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_a_body_that_is_not_utf8_is_a_400(api: ApiClient, method: str, path: str) -> None:
    reply = api.request(method, path, raw=b'{"name":"\xff\xfe"}', headers={"content-type": "application/json"})
    assert_house(reply, 400)
    assert "UTF-8" in reply.json["message"]


def raw_request(url: str, method: str, token: str) -> tuple[int, dict[str, Any]]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(method, "/api/subscriptions", headers={"authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO"])
def test_an_unknown_method_is_a_405_with_the_house_body(clean: LocalRuntime, token: Any, method: str) -> None:
    status, body = raw_request(clean.url, method, token(role="admin"))
    assert status == 405
    assert set(body) == HOUSE_BODY
    assert method in body["message"]
