"""mobile-n10n's JSON, recreated from its own tests (`NotificationSpec`, `NotificationReportTest`,
`ReportIntegrationSpec`) and its case classes: payloads of the nine types, a stored report, its raw Fastly lines."""

from __future__ import annotations

import copy
import uuid
from typing import Any

INTERNAL_LINK = {
    "contentApiId": "world/live/2015/nov/20/mali-hotel-attack-gunmen-take-hostages-in-bamako-live-updates",
    "git": {"mobileAggregatorPrefix": "item-trimmed"},
}

BREAKING_NEWS: dict[str, Any] = {
    "id": "30aac5f5-34bb-4a88-8b69-97f995a4907b",
    "type": "news",
    "title": "The Guardian",
    "message": "Mali hotel attack: UN counts 27 bodies as hostage situation ends",
    "thumbnailUrl": "http://media.guim.co.uk/09951387fda453719fe1fee3e5dcea4efa05e4fa/0_181_3596_2160/140.jpg",
    "sender": "test",
    "link": INTERNAL_LINK,
    "imageUrl": "https://mobile.guardianapis.com/img/media/a5fb401022d09b2f624a0cc0484c563fd1b6ad93/0_308_4607_2764/"
    "master/4607.jpg/6ad3110822bdb2d1d7e8034bcef5dccf?width=800&height=-&quality=85",
    "importance": "Major",
    "topic": [{"type": "breaking", "name": "uk"}],
}
"""`NotificationSpec`'s breaking news."""

CONTENT: dict[str, Any] = {
    "id": "c8bd6aaa-072f-4593-a38b-322f3ecd6bd3",
    "type": "content",
    "title": "Follow",
    "message": "Which countries are doing the most to stop dangerous global warming?",
    "thumbnailUrl": "http://media.guim.co.uk/a07334e4ed5d13d3ecf4c1ac21145f7f4a099f18/127_0_3372_2023/140.jpg",
    "sender": "test",
    "link": {
        "contentApiId": "environment/ng-interactive/2015/oct/16/"
        "which-countries-are-doing-the-most-to-stop-dangerous-global-warming",
        "git": {"mobileAggregatorPrefix": "item-trimmed"},
    },
    "importance": "Major",
    "topic": [{"type": "tag-series", "name": "environment/series/keep-it-in-the-ground"}],
    "iosUseMessage": True,
}
"""`NotificationSpec`'s content notification (with `iosUseMessage` set)."""

GOAL: dict[str, Any] = {
    "id": "3e0bc788-a27c-4864-bb71-77a80aadcce4",
    "type": "goal",
    "title": "The Guardian",
    "message": "Leicester 2-1 Watford\nDeeney 75min",
    "sender": "test",
    "goalType": "Penalty",
    "awayTeamName": "Watford",
    "awayTeamScore": 1,
    "homeTeamName": "Leicester",
    "homeTeamScore": 2,
    "scoringTeamName": "Watford",
    "scorerName": "Deeney",
    "goalMins": 75,
    "otherTeamName": "Leicester",
    "matchId": "3833380",
    "mapiUrl": "http://football.mobile-apps.guardianapis.com/match-info/3833380",
    "importance": "Major",
    "topic": [
        {"type": "football-team", "name": "29"},
        {"type": "football-team", "name": "41"},
        {"type": "football-match", "name": "3833380"},
    ],
}
"""`NotificationSpec`'s goal alert."""

US_2020: dict[str, Any] = {
    "id": "4e0bc788-a27c-4864-bb71-77a80aadcce4",
    "type": "us-2020-results",
    "sender": "test",
    "title": "US elections 2020: Live results",
    "link": INTERNAL_LINK,
    "expandedTitle": "US elections 2020: Live results",
    "message": "",
    "leftCandidateName": "Biden",
    "leftCandidateColour": "Blue",
    "leftCandidateColourDark": "Blue",
    "leftCandidateDelegates": 51,
    "leftCandidateVoteShare": "51",
    "rightCandidateName": "Trump",
    "rightCandidateColour": "Red",
    "rightCandidateColourDark": "Red",
    "rightCandidateDelegates": 49,
    "rightCandidateVoteShare": "49",
    "totalDelegates": 100,
    "delegatesToWin": "",
    "expandedMessage": "",
    "button1Text": "",
    "button1Url": "",
    "button2Text": "",
    "button2Url": "",
    "stopButtonText": "",
    "importance": "Major",
    "topic": [{"type": "breaking", "name": "us-election-2020-live"}],
}
"""`NotificationSpec`'s US election alert (its id changed so that it differs from the goal's)."""

FOOTBALL_MATCH_STATUS: dict[str, Any] = {
    "id": "5e0bc788-a27c-4864-bb71-77a80aadcce4",
    "type": "football-match-status",
    "title": "Goal!",
    "message": "Leicester 2-1 Watford",
    "sender": "test",
    "awayTeamName": "Watford",
    "awayTeamScore": 1,
    "awayTeamMessage": "Deeney 75'",
    "awayTeamId": "41",
    "homeTeamName": "Leicester",
    "homeTeamScore": 2,
    "homeTeamMessage": "Vardy 12', Mahrez 40'",
    "homeTeamId": "29",
    "competitionName": "Premier League",
    "venue": "King Power Stadium",
    "matchId": "3833380",
    "matchInfoUri": "http://football.mobile-apps.guardianapis.com/match-info/3833380",
    "articleUri": "https://mobile.guardianapis.com/items/football/2015/nov/21/leicester-watford-report",
    "importance": "Major",
    "topic": [{"type": "football-match", "name": "3833380"}],
    "matchStatus": "SHS",
    "eventId": "event-1",
    "debug": False,
}
"""`FootballMatchStatusNotification`: teams, scores, `matchId`, `matchStatus`, `eventId`, ..."""

FOOTBALL_PENALTY_SHOOTOUT: dict[str, Any] = {
    **FOOTBALL_MATCH_STATUS,
    "id": "6e0bc788-a27c-4864-bb71-77a80aadcce4",
    "type": "football-penalty-shootout",
    "matchStatus": "PS",
    "homeTeamPenalties": {"scored": 4, "missed": 1, "saved": 0},
    "awayTeamPenalties": {"scored": 3, "missed": 0, "saved": 2},
}

LIVE_NOTIFICATION: dict[str, Any] = {
    "id": "7e0bc788-a27c-4864-bb71-77a80aadcce4",
    "type": "live-notification",
    "sender": "test",
    "title": "Live",
    "message": "Markets react to the jobs report",
    "expandedMessage": "Markets react to the jobs report: the FTSE is down 2%",
    "shortMessage": "Markets react",
    "importance": "Minor",
    "link1": INTERNAL_LINK,
    "link2": {"url": "https://www.example.com/live"},
    "topic": [{"type": "live-notification", "name": "markets"}],
}

NEWSSTAND_SHARD: dict[str, Any] = {"id": "8e0bc788-a27c-4864-bb71-77a80aadcce4", "type": "newsstand-shard", "shard": 3}

EDITIONS: dict[str, Any] = {
    "id": "9e0bc788-a27c-4864-bb71-77a80aadcce4",
    "type": "editions",
    "topic": [{"type": "editions", "name": "uk"}],
    "key": "daily-edition",
    "name": "The Daily",
    "date": "2026-11-20",
    "sender": "editions-backend",
}

NINE_TYPES = (
    BREAKING_NEWS,
    CONTENT,
    GOAL,
    LIVE_NOTIFICATION,
    FOOTBALL_MATCH_STATUS,
    FOOTBALL_PENALTY_SHOOTOUT,
    NEWSSTAND_SHARD,
    EDITIONS,
    US_2020,
)


def fresh(payload: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A copy of a fixture with a new id (and overrides)."""
    return {**copy.deepcopy(payload), "id": str(uuid.uuid4()), **overrides}


def stored_by_n10n(sent_time: str, notification_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A record as mobile-n10n writes it to DynamoDB: `NotificationReportTest`'s report (no `ttl`: live breaking
    news), a single `Guardian` sender entry with a total, and `events.platform` as its event consumer sets it."""
    notification_id = notification_id or str(uuid.uuid4())
    item: dict[str, Any] = {
        "id": notification_id,
        "type": "news",
        "notification": {
            "id": notification_id,
            "type": "news",
            "title": "title",
            "message": "message",
            "thumbnailUrl": "http://some.url/my.png",
            "sender": "sender",
            "link": {"contentApiId": "some/capi/id-with-dashes", "git": {"mobileAggregatorPrefix": "item-trimmed"}},
            "imageUrl": "http://some.url/i.jpg",
            "importance": "Major",
            "topic": [{"type": "breaking", "name": "uk"}],
        },
        "sentTime": sent_time,
        "reports": [{"senderName": "Guardian", "sentTime": sent_time, "totalRegistrationCount": 1234}],
        "events": {"platform": {"total": 900, "ios": 500, "android": 400}},
    }
    item.update(overrides)
    return item
