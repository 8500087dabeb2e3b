"""mobile-n10n as a drop-in: its nine payloads posted to `POST /api/notifications`, stored as posted and read back on
both surfaces; an n10n-style client on its report routes with an API key (`ReportIntegrationSpec` recreated); n10n's
status codes; a record in n10n's stored shape read by every route, then migrated in place."""

from __future__ import annotations

import contextlib
import io
import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

import pytest
from pydantic import BaseModel, ConfigDict

from local.__main__ import main
from local.runtime import LocalRuntime
from shared import clock
from shared.api_keys import logic as key_logic
from shared.api_keys import store as key_store
from shared.api_keys.models import ApiKey, ApiKeyRequest
from shared.catalog.notifications import HARVESTER_QUEUE
from shared.errors import InvalidInput
from shared.notifications import migration, store
from shared.notifications.extract import extract_day
from tests.conftest import TokenFactory
from tests.support import n10n_fixtures as fx
from tests.support.api_client import ApiClient
from tests.support.notifications import notification_body, queue_messages

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
N10N_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
"""n10n's `JsonUtils.jodaFormat` reads `yyyy-MM-dd'T'HH:mm:ss.SSSZ` and nothing else."""


# An n10n client's view of the reply: `models.NotificationReport` and friends, n10n's field names, nothing else.


class _Reads(BaseModel):
    model_config = ConfigDict(extra="forbid")


class N10nPlatformStatistics(_Reads):
    platform: Literal["android", "ios", "newsstand", "android-edition", "ios-edition", "android-beta", "windows-mobile"]
    recipientsCount: int


class N10nSenderReport(_Reads):
    senderName: str
    sentTime: str
    sendersId: str | None = None
    platformStatistics: N10nPlatformStatistics | None = None
    totalRegistrationCount: int | None = None


class N10nPlatformCount(_Reads):
    total: int
    ios: int
    android: int
    iosEdition: int | None = None
    androidEdition: int | None = None


class N10nEvents(_Reads):
    platformCounts: N10nPlatformCount


class N10nReport(_Reads):
    id: UUID
    type: str
    notification: dict[str, Any]
    sentTime: str
    reports: list[N10nSenderReport]
    events: N10nEvents | None = None
    ttl: int | None = None


def n10n_get(base_url: str, path: str, key: str | None) -> tuple[int, str, bytes]:
    """What n10n's clients do: a GET with `Authorization: Bearer <key>`."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(base_url + path, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - loopback
            return reply.status, reply.headers.get("content-type", ""), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def n10n_reports(base_url: str, path: str, key: str) -> list[N10nReport]:
    status, content_type, body = n10n_get(base_url, path, key)
    assert status == 200, body
    assert content_type.startswith("application/json")
    raw = json.loads(body)
    assert isinstance(raw, list), "a bare JSON array, no envelope"
    reports = [N10nReport.model_validate(item) for item in raw]
    for item, report in zip(raw, reports, strict=True):
        assert None not in item.values(), "absent, never null"
        assert N10N_TIME.match(report.sentTime)
        assert all(N10N_TIME.match(r.sentTime) for r in report.reports)
    return reports


@pytest.fixture
def sender(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    """A caller allowed to send platform-wide pushes (scope `notifications:send`)."""
    return ApiClient(clean.url, token=token(role="user", sub="newsroom", scopes=["notifications:send"]))


@pytest.fixture
def report_key(clean: LocalRuntime) -> str:
    """A reports-only API key, as a platform admin made it."""
    created = key_logic.created(ApiKeyRequest(name="ophan", scope="report"), "test", NOW)
    key_store.put_new(ApiKey.model_validate(created.model_dump(exclude={"key"})))
    return created.key


def _post_at(sender: ApiClient, moment: datetime, body: dict[str, Any]) -> None:
    clock.set_now(moment)
    try:
        reply = sender.post("/api/notifications", body)
    finally:
        clock.set_now(NOW)
    assert reply.status == 200, reply.body


def test_each_of_n10ns_nine_types_is_accepted_stored_as_posted_and_read_back_on_both_surfaces(
    sender: ApiClient, report_key: str, clean: LocalRuntime
) -> None:
    clock.set_now(NOW)
    posted = [fx.fresh(payload) for payload in fx.NINE_TYPES]
    for body in posted:
        reply = sender.post("/api/notifications", body)
        assert reply.status == 200, (body["type"], reply.body)
        assert reply.json["duplicate"] is False
    for body in posted:
        record = store.get(body["id"])
        assert record is not None
        assert record.type.value == body["type"]
        assert record.notification.items() >= body.items(), f"{body['type']} is stored in n10n's shape as posted"
        status, _, raw = n10n_get(clean.url, f"/notifications/{body['id']}", report_key)
        assert status == 200, raw
        report = N10nReport.model_validate(json.loads(raw))
        assert report.notification == record.notification
        own = sender.get(f"/api/notifications/{body['id']}")
        assert own.status == 200
        assert own.json["notification"] == record.notification
    pushes = {m["notificationId"]: m["notification"] for m in queue_messages(HARVESTER_QUEUE)}
    news = pushes[posted[0]["id"]]
    assert (news["title"], news["topics"]) == (fx.BREAKING_NEWS["title"], ["breaking/uk"])
    assert news["link"] == f"https://www.theguardian.com/{fx.INTERNAL_LINK['contentApiId']}"
    goal = pushes[posted[2]["id"]]
    assert goal["topics"] == ["football-team/29", "football-team/41", "football-match/3833380"]
    shard = pushes[posted[6]["id"]]
    assert shard["topics"] == ["newsstand-shard/newsstand-shard-3"]
    editions = pushes[posted[7]["id"]]
    assert (editions["title"], editions["message"]) == ("The Daily", "The Daily 2026-11-20")


def test_a_post_in_n10ns_shape_with_a_wrong_or_missing_field_is_a_422_naming_it(sender: ApiClient) -> None:
    missing = fx.fresh(fx.BREAKING_NEWS)
    del missing["sender"]
    reply = sender.post("/api/notifications", missing)
    assert reply.status == 422
    assert "sender" in reply.body.decode()
    bad_score = fx.fresh(fx.FOOTBALL_MATCH_STATUS, homeTeamScore="two")
    reply = sender.post("/api/notifications", bad_score)
    assert reply.status == 422
    assert "homeTeamScore" in reply.body.decode()
    unknown = fx.fresh(fx.BREAKING_NEWS, type="weather")
    assert sender.post("/api/notifications", unknown).status == 422
    assert store.get(missing["id"]) is None


def test_an_n10n_style_client_reads_reports_by_type_and_range_oldest_first_with_an_api_key(
    sender: ApiClient, report_key: str, clean: LocalRuntime
) -> None:
    """`ReportIntegrationSpec`, recreated: reports posted at 2015 dates and recently, read as n10n's clients do."""
    in_range = [fx.fresh(fx.BREAKING_NEWS, title=f"{n}:title") for n in (1, 2, 3)]
    for body, hour in zip(in_range, (0, 4, 6), strict=True):
        _post_at(sender, datetime(2015, 1, 1, hour, tzinfo=UTC), body)
    fourth = fx.fresh(fx.BREAKING_NEWS, title="4:title")
    _post_at(sender, datetime(2015, 1, 2, tzinfo=UTC), fourth)
    recent = [fx.fresh(fx.BREAKING_NEWS, title=f"{n}:title") for n in (5, 6, 7)]
    offsets = (timedelta(days=7) - timedelta(minutes=3), timedelta(days=5), timedelta(seconds=1))
    for body, ago in zip(reversed(recent), reversed(offsets), strict=True):
        _post_at(sender, NOW - ago, body)
    content = fx.fresh(fx.CONTENT)
    _post_at(sender, NOW - timedelta(days=5), content)
    dry = fx.fresh(fx.BREAKING_NEWS, dryRun=True)
    _post_at(sender, NOW - timedelta(days=2), dry)
    clock.set_now(NOW)

    last_week = n10n_reports(clean.url, "/notifications?type=news", report_key)
    assert [str(r.id) for r in last_week] == [b["id"] for b in recent], "the last 7 days, oldest first"
    assert [r.ttl for r in last_week] == [None, None, None], "live breaking news has no ttl"
    assert [r.notification["title"] for r in last_week] == ["5:title", "6:title", "7:title"]

    ranged = n10n_reports(clean.url, "/notifications?type=news&from=2015-01-01T00:00:00Z&until=2015-01-02", report_key)
    assert [str(r.id) for r in ranged] == [b["id"] for b in [*in_range, fourth]], "until as DynamoDB's BETWEEN: kept"
    day_one = n10n_reports(clean.url, "/notifications?type=news&from=2015-01-01&until=2015-01-01T23:59:59Z", report_key)
    assert [str(r.id) for r in day_one] == [b["id"] for b in in_range], "a date alone is midnight"

    contents = n10n_reports(clean.url, "/notifications?type=content", report_key)
    assert [str(r.id) for r in contents] == [content["id"]]
    assert contents[0].ttl is not None, "other types expire (3 months)"
    assert contents[0].notification["iosUseMessage"] is True

    dry_runs = n10n_reports(clean.url, "/notifications?type=news&includeDryRun=true", report_key)
    assert [str(r.id) for r in dry_runs] == [dry["id"]], "includeDryRun=true: only dry runs"
    assert dry_runs[0].ttl is not None
    assert n10n_reports(clean.url, "/notifications?type=news&includeDryRun=false", report_key) == last_week

    status, content_type, body = n10n_get(clean.url, f"/notifications/{in_range[0]['id']}", report_key)
    assert (status, content_type.split(";")[0]) == (200, "application/json")
    one = N10nReport.model_validate(json.loads(body))
    assert one.sentTime == "2015-01-01T00:00:00.000Z"
    assert {s.platformStatistics.platform for s in one.reports if s.platformStatistics} == {
        "ios",
        "android",
        "ios-edition",
        "android-edition",
    }


def test_n10ns_status_codes_where_its_clients_can_see_them(
    sender: ApiClient, report_key: str, clean: LocalRuntime, token: TokenFactory
) -> None:
    body = fx.fresh(fx.BREAKING_NEWS)
    _post_at(sender, NOW - timedelta(hours=1), body)
    clock.set_now(NOW)
    assert n10n_get(clean.url, "/healthcheck", None)[::2] == (200, b"Good")
    assert n10n_get(clean.url, "/notifications?type=news", None)[0] == 401
    assert n10n_get(clean.url, "/notifications?type=news", "not-a-key-we-know")[0] == 403
    assert n10n_get(clean.url, "/notifications?type=news", token(role="admin"))[0] == 403, "a JWT is not an API key"
    for query, names in (
        ("", "type"),
        ("?type=weather", "type"),
        ("?type=news&from=yesterday", "from"),
        ("?type=news&until=2026-13-01", "until"),
        ("?type=news&includeDryRun=maybe", "includeDryRun"),
        ("?type=news&from=2026-09-01&until=2026-10-03", "from"),
    ):
        status, _, reply = n10n_get(clean.url, f"/notifications{query}", report_key)
        assert status == 400, (query, reply)
        assert names in json.loads(reply)["message"] + json.dumps(json.loads(reply)["details"])
    ok = n10n_get(clean.url, "/notifications?type=news&from=2026-09-01&until=2026-10-02T12:00:00Z", report_key)
    assert ok[0] == 200, "n10n counts whole days: 31 days and a half is allowed"
    assert n10n_get(clean.url, "/notifications/not-a-uuid", report_key)[0] == 400
    assert n10n_get(clean.url, f"/notifications/{fx.fresh(fx.CONTENT)['id']}", report_key)[0] == 404
    assert n10n_get(clean.url, f"/notifications/{body['id']}", report_key)[0] == 200


def test_a_notification_posted_in_this_platforms_shape_is_shown_in_n10ns(
    sender: ApiClient, report_key: str, clean: LocalRuntime
) -> None:
    own = notification_body(
        topics=["breaking/uk", "tag/politics/politics", "football-team/arsenal"], link="https://example.com/story"
    )
    _post_at(sender, NOW - timedelta(hours=1), own)
    status, _, raw = n10n_get(clean.url, f"/notifications/{own['id']}", report_key)
    assert status == 200
    shown = N10nReport.model_validate(json.loads(raw)).notification
    assert shown == {
        "id": own["id"],
        "type": "news",
        "title": own["title"],
        "message": own["message"],
        "sender": "report-platform",
        "importance": "Major",
        "topic": [{"type": "breaking", "name": "uk"}, {"type": "football-team", "name": "arsenal"}],  # no `tag`
        "link": {"url": "https://example.com/story"},
        "dryRun": False,
    }


def _put_raw(item: dict[str, Any]) -> None:
    """Write an item exactly as mobile-n10n would (no index keys of this platform, no ttl)."""
    store._table().put_item(Item=item)


def test_a_record_in_n10ns_stored_shape_is_read_by_every_route_then_migrated_in_place(
    sender: ApiClient, report_key: str, clean: LocalRuntime
) -> None:
    clock.set_now(NOW)
    sent = clock.iso(NOW - timedelta(hours=2))
    item = fx.stored_by_n10n(sent)
    _put_raw(item)
    own_live = fx.fresh(fx.BREAKING_NEWS)
    sender.post("/api/notifications", own_live)

    one = n10n_get(clean.url, f"/notifications/{item['id']}", report_key)
    assert one[0] == 200, one[2]
    report = N10nReport.model_validate(json.loads(one[2]))
    assert report.ttl is None
    assert report.events is not None
    assert report.events.platformCounts.model_dump() == {
        "total": 900,
        "ios": 500,
        "android": 400,
        "iosEdition": 0,
        "androidEdition": 0,
    }
    assert [(r.senderName, r.totalRegistrationCount) for r in report.reports] == [("Guardian", 1234)]
    listed = n10n_reports(clean.url, "/notifications?type=news", report_key)
    assert [str(r.id) for r in listed] == [item["id"], own_live["id"]]
    own = sender.get(f"/api/notifications/{item['id']}")
    assert own.status == 200
    assert own.json["events"]["platformCounts"]["total"] == 900
    assert sender.get("/api/notifications?type=news").status == 200

    counted = migration.migrate(apply=False)
    assert (counted.scanned, counted.needing, counted.migrated) == (2, 1, 0), "a dry run counts first"
    raw = store._table().get_item(Key={"id": item["id"]})["Item"]
    assert "sentDay" not in raw, "a dry run writes nothing"
    applied = migration.migrate(apply=True)
    assert (applied.needing, applied.migrated, applied.resume) == (1, 1, None)
    assert migration.migrate(apply=True).needing == 0, "idempotent: a migrated record needs nothing"
    raw = store._table().get_item(Key={"id": item["id"]})["Item"]
    assert (raw["sentDay"], raw["liveType"], raw["liveDay"]) == (sent[:10], "news", sent[:10])
    assert raw["events"] == {
        "platformCounts": {"total": 900, "ios": 500, "android": 400, "iosEdition": 0, "androidEdition": 0}
    }
    assert "ttl" not in raw

    for path in ("/api/notifications?type=news", "/api/notifications"):
        page = sender.get(path)
        assert page.status == 200
        assert item["id"] in [r["id"] for r in page.json["items"]], path
    assert n10n_reports(clean.url, "/notifications?type=news", report_key)[0].id == UUID(item["id"])
    summary = extract_day((NOW - timedelta(hours=2)).date())
    assert summary["records"] == 2


def test_the_migration_resumes_where_a_stopped_run_left_off(clean: LocalRuntime) -> None:
    clock.set_now(NOW)
    ids = [fx.stored_by_n10n(clock.iso(NOW - timedelta(minutes=n)))["id"] for n in range(3)]
    for n, notification_id in enumerate(ids):
        _put_raw(fx.stored_by_n10n(clock.iso(NOW - timedelta(minutes=n)), notification_id))
    first = migration.migrate(apply=True, page_size=1, pages=1)
    assert (first.scanned, first.migrated) == (1, 1)
    assert first.resume is not None
    rest = migration.migrate(apply=True, resume=first.resume, page_size=1)
    assert rest.migrated == 2
    assert rest.resume is None
    assert migration.migrate(apply=False).needing == 0
    with pytest.raises(InvalidInput):
        migration.migrate(apply=True, resume="bm90LW91cnM")


def test_the_migrate_command_counts_first_and_writes_only_with_apply(clean: LocalRuntime) -> None:
    clock.set_now(NOW)
    item = fx.stored_by_n10n(clock.iso(NOW - timedelta(hours=1)))
    _put_raw(item)
    dry, applied = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(dry):
        assert main(["migrate-n10n"]) == 0
    assert "scanned 1, would migrate (dry run: nothing written) 1" in dry.getvalue()
    assert "sentDay" not in store._table().get_item(Key={"id": item["id"]})["Item"]
    with contextlib.redirect_stdout(applied):
        assert main(["migrate-n10n", "--apply", "--pages", "1", "--page-size", "1"]) == 0
    assert "migrated 1" in applied.getvalue()
    assert store._table().get_item(Key={"id": item["id"]})["Item"]["sentDay"] == item["sentTime"][:10]
