"""Inbox items as stored and as the API returns them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class InboxFile(BaseModel):
    export_id: str
    format: Literal["pdf", "csv", "xlsx"]
    link: str
    size_bytes: int


class InboxItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    item_id: str = Field(description="opaque id of the item (for `POST /api/inbox/{item_id}/read`)")
    delivery_id: str
    job_id: str
    title: str
    report_type: str
    period: str
    link: str = Field(description="the download route of the report's first file")
    files: list[InboxFile]
    read: bool
    created_at: str
    read_at: str | None = None


class InboxPage(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next (older) page; none at the end")


class NewInboxItem(BaseModel):
    """What the inbox channel files for one delivery."""

    tenant_id: str
    user_id: str
    delivery_id: str
    job_id: str
    title: str
    report_type: str
    period: str
    files: list[InboxFile] = Field(min_length=1)
