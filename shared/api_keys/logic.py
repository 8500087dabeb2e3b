"""API-key use cases without I/O: making a key, its id, and whether a request's header carries a usable one."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from shared import clock
from shared.api_keys.models import ApiKey, ApiKeyRequest, CreatedApiKey, Scope

KEY_PREFIX = "n10n_"
BEARER = re.compile(r"^Bearer (.*)$")
"""n10n's `AuthAction`: the key is everything after `Bearer ` (case as written)."""
REPORT_SCOPES: frozenset[Scope] = frozenset({"report", "full"})
"""n10n's report service accepts both key sets."""


def key_id(key: str) -> str:
    """The stored id of a key: SHA-256 hex (a key has 256 random bits, so no salt or slow hash is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh key: 256 random bits, URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def created(request: ApiKeyRequest, by: str, now: datetime) -> CreatedApiKey:
    """A new (or imported) key and its stored record."""
    key = request.key or new_key()
    return CreatedApiKey(
        id=key_id(key), name=request.name, scope=request.scope, createdAt=clock.iso(now), createdBy=by, key=key
    )


def presented_key(authorization: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, or None."""
    found = BEARER.match(authorization or "")
    key = found.group(1).strip() if found else ""
    return key or None


def allows_reports(record: ApiKey | None) -> bool:
    """Whether a stored key may read the report routes: known, not revoked, of either scope."""
    return record is not None and record.revokedAt is None and record.scope in REPORT_SCOPES
