from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from local.auth import AUDIENCE, TokenRejected, mint_token, signing_key, verify_token


@pytest.fixture
def key(tmp_path: Path) -> bytes:
    return signing_key(tmp_path / "key")


def test_round_trip(key: bytes) -> None:
    token = mint_token("acme", "alice", ["admin"], key=key, scopes=["notifications:send"])
    claims = verify_token(f"Bearer {token}", key)
    assert (claims["tenant"], claims["sub"], claims["roles"], claims["scope"]) == (
        "acme",
        "alice",
        ["admin"],
        "notifications:send",
    )


def test_key_is_kept_between_calls(tmp_path: Path) -> None:
    assert signing_key(tmp_path / "k") == signing_key(tmp_path / "k")


@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, "required"), ("Basic abc", "Bearer"), ("Bearer ", "Bearer"), ("Bearer not-a-jwt", "not valid")],
)
def test_rejections_say_why(key: bytes, header: str | None, reason: str) -> None:
    with pytest.raises(TokenRejected, match=reason):
        verify_token(header, key)


def test_expired(key: bytes) -> None:
    token = mint_token("acme", "alice", ["user"], key=key, ttl=timedelta(seconds=-60))
    with pytest.raises(TokenRejected, match="expired"):
        verify_token(f"Bearer {token}", key)


def test_other_key_or_audience_is_refused(key: bytes, tmp_path: Path) -> None:
    other = signing_key(tmp_path / "other")
    with pytest.raises(TokenRejected):
        verify_token(f"Bearer {mint_token('acme', 'a', ['user'], key=other)}", key)
    forged = jwt.encode({"sub": "a", "tenant": "t", "aud": AUDIENCE + "-x", "iss": "x", "exp": 9999999999}, key)
    with pytest.raises(TokenRejected):
        verify_token(f"Bearer {forged}", key)
