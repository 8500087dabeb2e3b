"""Pydantic models of notification reports: the send request, the stored record, queue messages and replies."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.push.provider import Platform

PLATFORMS: tuple[Platform, ...] = ("ios", "android", "ios-edition", "android-edition")
COUNT_FIELDS: dict[Platform, str] = {
    "ios": "ios",
    "android": "android",
    "ios-edition": "iosEdition",
    "android-edition": "androidEdition",
}
"""The `events.platformCounts` field (and lake column suffix) of each platform, as mobile-n10n names them."""

ReportPlatform = Literal[
    "ios", "android", "ios-edition", "android-edition", "newsstand", "android-beta", "windows-mobile"
]
"""Every platform a sender result may name: today's four, and those of older mobile-n10n records."""


class NotificationType(StrEnum):
    """mobile-n10n's nine notification types (a report query without a type reads the by-day index)."""

    NEWS = "news"
    CONTENT = "content"
    GOAL = "goal"
    LIVE_NOTIFICATION = "live-notification"
    FOOTBALL_MATCH_STATUS = "football-match-status"
    FOOTBALL_PENALTY_SHOOTOUT = "football-penalty-shootout"
    NEWSSTAND_SHARD = "newsstand-shard"
    EDITIONS = "editions"
    US_2020_RESULTS = "us-2020-results"


class NotificationRequest(BaseModel):
    """`POST /api/notifications`: one push message to the devices following `topics`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID
    type: NotificationType
    title: str = Field(min_length=1, max_length=250)
    message: str = Field(min_length=1, max_length=1000)
    topics: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(min_length=1, max_length=20)
    link: str | None = Field(None, max_length=2000)
    dryRun: bool = False

    def payload(self) -> dict[str, Any]:
        """The `notification` attribute of the stored record."""
        return self.model_dump(mode="json", exclude_none=True)


class PlatformStatistics(BaseModel):
    platform: ReportPlatform
    recipientsCount: int


class SenderResult(BaseModel):
    senderName: str
    sentTime: str
    sendersId: str | None = None
    platformStatistics: PlatformStatistics | None = None
    totalRegistrationCount: int | None = None


class PlatformCounts(BaseModel):
    total: int = 0
    ios: int = 0
    android: int = 0
    iosEdition: int = 0
    androidEdition: int = 0


class Events(BaseModel):
    platformCounts: PlatformCounts

    @model_validator(mode="before")
    @classmethod
    def _n10n_platform(cls, value: Any) -> Any:
        """mobile-n10n's event consumer stores the counts under `platform` (total, ios, android): read it as
        `platformCounts`, the name its API writes."""
        if isinstance(value, dict) and "platformCounts" not in value and "platform" in value:
            return {"platformCounts": value["platform"]}
        return value


class NotificationReport(BaseModel):
    """The stored record of one notification: what was sent (`reports`) and what devices said they received."""

    id: str
    type: NotificationType
    notification: dict[str, Any]
    sentTime: str
    reports: list[SenderResult] = []
    events: Events | None = None
    ttl: int | None = None
    """Epoch seconds DynamoDB deletes the record after; none for live breaking news (kept for good, as in n10n)."""
    unqueuedShards: list[int] | None = None
    """Registration shards whose send request is not queued yet (a failure or a crash mid-send); a POST of the same
    id queues them."""
    queueingSince: str | None = None
    """`<when>#<token>` while one request queues the shards: a lease, taken over by another only once expired."""

    @property
    def dry_run(self) -> bool:
        return bool(self.notification.get("dryRun", False))


class SendReply(BaseModel):
    """What `POST /api/notifications` did: nothing (a duplicate) or what it queued."""

    id: str
    duplicate: bool
    resumed: bool = False
    """The id was known but some of its send requests were not queued: this request queued them."""
    queuedSendRequests: int = 0
    totalRegistrationCount: int = 0
    platformStatistics: list[PlatformStatistics] = []


class ReportPage(BaseModel):
    """One page of notification reports, newest first; `cursor` fetches the next page (None: no more)."""

    items: list[NotificationReport]
    cursor: str | None
    itemsRead: int = Field(0, exclude=True)
    """Items DynamoDB read for this page (ScannedCount): for the benchmark."""


class SendRequest(BaseModel):
    """A harvester queue message: send one notification to the devices of one registration shard."""

    notificationId: str
    shard: int
    notification: NotificationRequest


class PushRequest(BaseModel):
    """A push queue message: one notification to one device."""

    notificationId: str
    platform: Platform
    token: str
    title: str
    body: str
    data: dict[str, str]
    dryRun: bool


class CountWindow(BaseModel):
    """The received-count window: the default sliding window, or `{start, end}` in the event to backfill."""

    model_config = ConfigDict(extra="ignore")

    start: str
    end: str
