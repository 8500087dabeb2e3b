"""Pydantic models of API keys: the create request, the stored key (never the key itself) and the replies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Scope = Literal["report", "full"]
"""mobile-n10n's two key sets: `full` (its `secretKeys`) and `report` (its `reportsOnlyKeys`)."""


class ApiKeyRequest(BaseModel):
    """`POST /api/api-keys`: a new key, or (`key`) an existing n10n key imported so its clients keep working."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9 ._:/@-]+$")
    scope: Scope
    key: str | None = Field(None, min_length=20, max_length=200, pattern=r"^[\x21-\x7e]+$")


class ApiKey(BaseModel):
    """A stored key: `id` is the SHA-256 (hex) of the key; the key itself is shown once, at creation."""

    id: str
    name: str
    scope: Scope
    createdAt: str
    createdBy: str
    revokedAt: str | None = None
    revokedBy: str | None = None


class CreatedApiKey(ApiKey):
    """The reply to a create: the stored key and, this once, the key."""

    key: str


class ApiKeyList(BaseModel):
    items: list[ApiKey]
