"""Inbox use cases: file a delivered report for a user, list a user's inbox, mark an item read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared import clock
from shared.errors import InvalidInput, NotFound
from shared.inbox import store
from shared.inbox.models import InboxFile, InboxItem, InboxPage, NewInboxItem
from shared.items import decode_base64url, decode_token, encode_base64url, encode_token
from shared.settings import get_settings


def user_key(tenant_id: str, user_id: str) -> str:
    return f"{tenant_id}#{user_id}"


_NOT_OURS = "the cursor is not one this API returned"


def item_id_of(item_key: str) -> str:
    """The item's id in the API: its sort key as base64url text (kept as the inbox channel's receipt id, so stable)."""
    return encode_base64url(item_key.encode())


def item_key_of(item_id: str) -> str | None:
    try:
        key = decode_base64url(item_id).decode()
    except ValueError:  # bad base64 (binascii.Error) or bad UTF-8 (UnicodeDecodeError)
        return None
    return key if "#" in key else None


def encode_cursor(item_key: str) -> str:
    return encode_token({"after": item_key})


def decode_cursor(cursor: str) -> str:
    decoded = decode_token(cursor, _NOT_OURS)
    after = decoded.get("after") if isinstance(decoded, dict) and set(decoded) == {"after"} else None
    if not isinstance(after, str) or "#" not in after:
        raise InvalidInput(_NOT_OURS)
    return after


def _item(record: dict[str, Any]) -> InboxItem:
    return InboxItem(
        item_id=item_id_of(record["itemKey"]),
        delivery_id=record["deliveryId"],
        job_id=record["jobId"],
        title=record["title"],
        report_type=record["reportType"],
        period=record["period"],
        link=record["link"],
        files=[InboxFile.model_validate({**f, "size_bytes": int(f["size_bytes"])}) for f in record["files"]],
        read=bool(record["read"]),
        created_at=record["createdAt"],
        read_at=record.get("readAt"),
    )


def file_item(new: NewInboxItem) -> tuple[str, bool]:
    """Put the report in the user's inbox once per delivery id; returns the item id and whether it was new."""
    now = clock.now()
    created_at = clock.iso(now)
    item_key = f"{created_at}#{new.delivery_id}"
    record = {
        "userKey": user_key(new.tenant_id, new.user_id),
        "itemKey": item_key,
        "tenantId": new.tenant_id,
        "userId": new.user_id,
        "deliveryId": new.delivery_id,
        "jobId": new.job_id,
        "title": new.title,
        "reportType": new.report_type,
        "period": new.period,
        "link": new.files[0].link,
        "files": [f.model_dump() for f in new.files],
        "read": False,
        "createdAt": created_at,
        "ttl": int((now + timedelta(days=get_settings().inbox_ttl_days)).timestamp()),
    }
    existing = store.put_once(record, new.tenant_id, new.delivery_id)
    return (item_id_of(existing), False) if existing is not None else (item_id_of(item_key), True)


def list_inbox(tenant_id: str, user_id: str, limit: int, unread_only: bool, cursor: str | None) -> InboxPage:
    """The user's own items, newest first."""
    after = decode_cursor(cursor) if cursor else None
    records, more = store.query_newest_first(user_key(tenant_id, user_id), limit, unread_only, after)
    items = [_item(r) for r in records]
    next_cursor = encode_cursor(records[-1]["itemKey"]) if more and records else None
    return InboxPage(items=items, next_cursor=next_cursor)


def mark_read(tenant_id: str, user_id: str, item_id: str) -> InboxItem:
    """Mark one of the user's items read (again is fine); another user's or an unknown id is NotFound."""
    item_key = item_key_of(item_id)
    record = store.mark_read(user_key(tenant_id, user_id), item_key, clock.iso(clock.now())) if item_key else None
    if record is None:
        raise NotFound(f"no inbox item {item_id}")
    return _item(record)
