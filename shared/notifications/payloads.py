"""mobile-n10n's notification payloads: its nine types in its JSON shape (`common/src/main/scala/models/`), and how
one becomes a push of this platform (title, body, topics, link)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError

from shared.errors import InvalidInput
from shared.notifications.models import NotificationRequest, NotificationType

Importance = Literal["Major", "Minor"]
GoalType = Literal["Own", "Penalty", "Default"]
TopicType = Literal[
    "breaking",
    "content",
    "tag-contributor",
    "tag-keyword",
    "tag-series",
    "tag-blog",
    "football-team",
    "football-match",
    "football-team-live-activity",
    "football-match-live-activity",
    "newsstand",
    "newsstand-shard",
    "editions",
    "live-notification",
]
SENDER = "report-platform"
"""The `sender` given to a notification posted in this platform's own shape when it is shown in n10n's."""


class _N10nModel(BaseModel):
    """n10n reads JSON with Play's formats: unknown fields are ignored, absent options are None."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Topic(_N10nModel):
    type: TopicType
    name: str = Field(min_length=1, max_length=400)
    title: str | None = None

    @property
    def full_name(self) -> str:
        """`type/name`, n10n's topic string (the registrations' topic)."""
        return f"{self.type}/{self.name}"


class GuardianItemType(_N10nModel):
    mobileAggregatorPrefix: Literal["section", "latest", "item-trimmed"]


class InternalLink(_N10nModel):
    contentApiId: str = Field(min_length=1, max_length=2000)
    shortUrl: str | None = None
    git: GuardianItemType
    blockId: str | None = None


class ExternalLink(_N10nModel):
    url: str = Field(min_length=1, max_length=2000)


Link = InternalLink | ExternalLink
Topics = Annotated[list[Topic], Field(min_length=1, max_length=20)]
Text = Annotated[str, Field(max_length=1000)]


class _Base(_N10nModel):
    id: UUID
    dryRun: bool | None = None


class BreakingNews(_Base):
    type: Literal["news"]
    title: Text | None = None
    message: Text | None = None
    thumbnailUrl: str | None = None
    sender: str
    link: Link
    imageUrl: str | None = None
    importance: Importance
    topic: Topics


class Content(_Base):
    type: Literal["content"]
    title: Text | None = None
    message: Text | None = None
    iosUseMessage: bool | None = None
    thumbnailUrl: str | None = None
    sender: str
    link: Link
    importance: Importance
    topic: Topics


class GoalAlert(_Base):
    type: Literal["goal"]
    title: Text | None = None
    message: Text | None = None
    thumbnailUrl: str | None = None
    sender: str
    goalType: GoalType
    awayTeamName: str
    awayTeamScore: int
    homeTeamName: str
    homeTeamScore: int
    scoringTeamName: str
    scorerName: str
    goalMins: int
    otherTeamName: str
    matchId: str
    mapiUrl: str
    importance: Importance
    topic: Topics
    addedTime: str | None = None


class LiveEvent(_Base):
    type: Literal["live-notification"]
    sender: str
    title: Text | None = None
    message: Text | None = None
    expandedMessage: str | None = None
    shortMessage: str | None = None
    importance: Importance
    link1: Link
    link2: Link
    imageUrl: str | None = None
    topic: Topics


class PenaltyScore(_N10nModel):
    scored: int = 0
    missed: int = 0
    saved: int = 0


class FootballMatchStatus(_Base):
    type: Literal["football-match-status"]
    title: Text | None = None
    message: Text | None = None
    thumbnailUrl: str | None = None
    sender: str
    awayTeamName: str
    awayTeamScore: int
    awayTeamMessage: str
    awayTeamId: str
    awayTeamRedCards: int = 0
    homeTeamName: str
    homeTeamScore: int
    homeTeamMessage: str
    homeTeamId: str
    homeTeamRedCards: int = 0
    competitionName: str | None = None
    roundName: str | None = None
    venue: str | None = None
    matchId: str
    matchInfoUri: str
    articleUri: str | None = None
    importance: Importance
    topic: Topics
    matchStatus: str
    eventId: str
    kickOffTimestamp: int | None = None
    lineupsAvailable: bool | None = None
    detailedMatchStatus: str | None = None
    debug: bool


class FootballPenaltyShootout(FootballMatchStatus):
    type: Literal["football-penalty-shootout"]  # type: ignore[assignment]
    awayTeamPenalties: PenaltyScore | None = None
    homeTeamPenalties: PenaltyScore | None = None


class NewsstandShard(_N10nModel):
    id: UUID
    type: Literal["newsstand-shard"]
    shard: int = Field(ge=0)
    dryRun: None = Field(None, exclude=True)
    """A newsstand shard notification is never a dry run (n10n: `dryRun = None`)."""


class Editions(_Base):
    type: Literal["editions"]
    topic: Topics
    key: str
    name: str
    date: str
    sender: str


class Us2020Results(_Base):
    type: Literal["us-2020-results"]
    sender: str
    title: Text | None = None
    link: Link
    expandedTitle: str
    leftCandidateName: str
    leftCandidateColour: str
    leftCandidateColourDark: str
    leftCandidateDelegates: int
    leftCandidateVoteShare: str
    rightCandidateName: str
    rightCandidateColour: str
    rightCandidateColourDark: str
    rightCandidateDelegates: int
    rightCandidateVoteShare: str
    totalDelegates: int
    delegatesToWin: str
    message: Text | None = None
    expandedMessage: str
    button1Text: str
    button1Url: str
    button2Text: str
    button2Url: str
    stopButtonText: str
    importance: Importance
    topic: Topics


N10nNotification = Annotated[
    BreakingNews
    | Content
    | GoalAlert
    | LiveEvent
    | FootballMatchStatus
    | FootballPenaltyShootout
    | NewsstandShard
    | Editions
    | Us2020Results,
    Field(discriminator="type"),
]
"""A notification in mobile-n10n's shape, told apart by `type` (one of the nine)."""


def _shape(value: Any) -> str:
    """n10n's shape names `sender` or `topic` (or is a newsstand shard); this platform's names `topics`."""
    if isinstance(value, dict) and ("topics" not in value) and ({"sender", "topic", "shard"} & set(value)):
        return "n10n"
    if isinstance(value, BaseModel) and not isinstance(value, NotificationRequest):
        return "n10n"
    return "platform"


AnyNotification = Annotated[
    Annotated[NotificationRequest, Tag("platform")] | Annotated[N10nNotification, Tag("n10n")],
    Discriminator(_shape),
]
"""The body of `POST /api/notifications`: this platform's shape, or mobile-n10n's."""

_PAYLOAD: TypeAdapter[Any] = TypeAdapter(AnyNotification)


def parse(payload: dict[str, Any]) -> NotificationRequest | Any:
    """A stored or posted notification, in whichever shape it was written."""
    return _PAYLOAD.validate_python(payload)


def _web_link(link: InternalLink | ExternalLink) -> str:
    return link.url if isinstance(link, ExternalLink) else f"https://www.theguardian.com/{link.contentApiId}"


def _titles(notification: Any) -> tuple[str, str]:
    """The push title and body of an n10n notification; the types without text get one from what they carry."""
    if isinstance(notification, NewsstandShard):
        label = f"newsstand-shard-{notification.shard}"
        return label, label
    if isinstance(notification, Editions):
        return notification.name, f"{notification.name} {notification.date}"
    title = notification.title or notification.message or notification.type
    return title, notification.message or title


def topics_of(notification: Any) -> list[str]:
    """The registration topics (`type/name`) a notification goes to."""
    if isinstance(notification, NewsstandShard):
        return [f"newsstand-shard/newsstand-shard-{notification.shard}"]
    return [topic.full_name for topic in notification.topic]


def as_request(notification: NotificationRequest | Any) -> NotificationRequest:
    """The push this platform sends for a notification of either shape."""
    if isinstance(notification, NotificationRequest):
        return notification
    title, message = _titles(notification)
    link = getattr(notification, "link", None) or getattr(notification, "link1", None)
    try:
        return NotificationRequest(
            id=notification.id,
            type=NotificationType(notification.type),
            title=title[:250],
            message=message[:1000],
            topics=topics_of(notification),
            link=_web_link(link)[:2000] if link is not None else None,
            dryRun=bool(notification.dryRun),
        )
    except ValidationError as error:  # valid in n10n's shape, yet nothing this platform can push (no topic, no title)
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise InvalidInput(f"this notification cannot be sent as a push: {problems}") from None


def stored_payload(notification: NotificationRequest | Any) -> dict[str, Any]:
    """The `notification` attribute of the record: the payload as posted (n10n's shape keeps n10n's fields)."""
    if isinstance(notification, NotificationRequest):
        return notification.payload()
    return dict(notification.model_dump(mode="json", exclude_none=True))


def n10n_shape(payload: dict[str, Any]) -> dict[str, Any]:
    """A stored payload as n10n's clients read it: n10n's shape as stored; this platform's shape given n10n's names
    (`topic` as `[{type, name}]` from `type/name`, keeping only n10n's topic types, which its clients insist on;
    `link` as `{url}`; a `sender`; an `importance`)."""
    if _shape(payload) == "n10n":
        return payload
    shown: dict[str, Any] = {
        "id": payload["id"],
        "type": payload["type"],
        "title": payload.get("title"),
        "message": payload.get("message"),
        "sender": SENDER,
        "importance": "Major",
        "topic": [topic for topic in map(_topic, payload.get("topics", [])) if topic["type"] in _TOPIC_TYPES],
    }
    if payload.get("link"):
        shown["link"] = {"url": payload["link"]}
    if "dryRun" in payload:
        shown["dryRun"] = payload["dryRun"]
    return {k: v for k, v in shown.items() if v is not None}


_TOPIC_TYPES = frozenset(get_args(TopicType))


def _topic(text: str) -> dict[str, str]:
    kind, _, name = text.partition("/")
    return {"type": kind, "name": name}
