"""The stream's $connect authorizer verifies an RS256 token against the issuer's JWKS (served here on loopback)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from functions.stream_authorizer import handler
from local.lambda_context import LocalLambdaContext
from shared.settings import reset_settings
from shared.stream import tokens

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ARN = "arn:aws:execute-api:us-east-1:123456789012:abc/live/$connect"


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    keys = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/pool/.well-known/jwks.json" else 404)
            self.send_header("content-length", str(len(keys)))
            self.end_headers()
            self.wfile.write(keys)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/pool"
    monkeypatch.setenv("JWT_ISSUER", url)
    monkeypatch.setenv("JWT_AUDIENCE", "report-platform,other-client")
    reset_settings()
    tokens._keys.cache_clear()
    yield url
    server.shutdown()
    reset_settings()


def _token(issuer: str, **overrides: Any) -> str:
    claims = {"iss": issuer, "aud": "report-platform", "sub": "alice", "tenant": "acme", "roles": ["admin"]}
    claims["exp"] = int(time.time()) + 600
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


def _authorise(token: str | None) -> Any:
    event = {"methodArn": ARN, "queryStringParameters": {"token": token} if token is not None else {}}
    return handler(event, LocalLambdaContext(function_name="stream-authorizer", memory_limit_in_mb=256, timeout_s=10))


def test_a_valid_token_allows_connect_with_its_claims_as_context(issuer: str) -> None:
    reply = _authorise(_token(issuer))
    assert reply["principalId"] == "alice"
    assert reply["policyDocument"]["Statement"] == [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": ARN}
    ]
    assert reply["context"] == {"sub": "alice", "tenant": "acme", "roles": "[admin]"}
    cognito_access_token = _token(issuer, aud=None, client_id="other-client")
    assert _authorise(cognito_access_token)["context"]["tenant"] == "acme"


@pytest.mark.parametrize(
    "case",
    ["missing", "expired", "other issuer", "other audience", "other key", "no tenant"],
)
def test_anything_else_is_unauthorized(issuer: str, case: str) -> None:
    token = {
        "missing": None,
        "expired": _token(issuer, exp=int(time.time()) - 60),
        "other issuer": _token(issuer, iss="https://evil.example"),
        "other audience": _token(issuer, aud="someone-else"),
        "other key": jwt.encode(
            {"iss": issuer, "aud": "report-platform", "sub": "a", "tenant": "acme", "exp": int(time.time()) + 60},
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
            algorithm="RS256",
            headers={"kid": "k1"},
        ),
        "no tenant": _token(issuer, tenant=None),
    }[case]
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        _authorise(token)
