"""Bringing records mobile-n10n wrote into this platform's stored shape, in place: the report-index keys it never
wrote (`sentDay`, and `liveType`/`liveDay` when live) and `events.platformCounts` for its `events.platform`.

Idempotent (a migrated record needs nothing), resumable (each page returns where the next starts) and counted first:
a dry run reports what it would change and writes nothing."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.errors import InvalidInput
from shared.items import decode_token, encode_token
from shared.notifications import logic, store
from shared.notifications.models import NotificationReport


class MigrationPage(BaseModel):
    scanned: int = 0
    needing: int = 0
    """Records that lack an index key or hold n10n's `events.platform`."""
    migrated: int = 0
    changedMeanwhile: int = 0
    """Records changed (or deleted) between the read and the write: left alone; the next run looks again."""
    unreadable: list[str] = []
    """Ids of records no reader can parse: listed, never touched."""
    resume: str | None = None
    """Where the next page starts (None: the table is done)."""


def missing_attributes(item: dict[str, Any]) -> dict[str, Any]:
    """What a stored item needs to be in this platform's shape (empty: nothing)."""
    record = NotificationReport.model_validate(item)
    wanted = logic.index_attributes(record)
    needed: dict[str, Any] = {name: value for name, value in wanted.items() if item.get(name) != value}
    events = item.get("events")
    if isinstance(events, dict) and "platformCounts" not in events and record.events is not None:
        needed["events"] = {"platformCounts": record.events.platformCounts.model_dump()}
    return needed


def migrate_page(resume: str | None, apply: bool, page_size: int = 200) -> MigrationPage:
    """Look at one page of the table from `resume`; with `apply`, complete each record that needs it."""
    start = decode_token(resume) if resume else None
    if start is not None and not (isinstance(start, dict) and set(start) == {"id"} and isinstance(start["id"], str)):
        raise InvalidInput("the resume token is not one this migration printed")
    items, last_key = store.scan_page(start, page_size)
    page = MigrationPage(scanned=len(items), resume=encode_token(last_key) if last_key else None)
    for item in items:
        try:
            needed = missing_attributes(item)
        except ValueError:
            page.unreadable.append(str(item.get("id")))
            continue
        if not needed:
            continue
        page.needing += 1
        if apply:
            if store.complete_item(str(item["id"]), str(item["sentTime"]), needed):
                page.migrated += 1
            else:
                page.changedMeanwhile += 1
    return page


def migrate(apply: bool, resume: str | None = None, page_size: int = 200, pages: int | None = None) -> MigrationPage:
    """Every page from `resume` (or at most `pages`), summed; `resume` of the result continues a stopped run."""
    total = MigrationPage(resume=resume)
    done = 0
    while True:
        page = migrate_page(total.resume, apply, page_size)
        total.scanned += page.scanned
        total.needing += page.needing
        total.migrated += page.migrated
        total.changedMeanwhile += page.changedMeanwhile
        total.unreadable += page.unreadable
        total.resume = page.resume
        done += 1
        if total.resume is None or (pages is not None and done >= pages):
            return total
