"""mobile-n10n's model without I/O: payload shapes, the push derived from them, TTL rules, query parsing, API keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from local.routes import route_table, select
from shared.api_keys import logic as keys
from shared.api_keys.models import ApiKey
from shared.errors import InvalidInput
from shared.notifications import logic, n10n_reports, payloads
from shared.notifications.models import Events, NotificationRequest, NotificationType
from tests.support import n10n_fixtures as fx

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_the_shape_of_a_body_decides_its_model_and_type_its_case_class() -> None:
    assert isinstance(payloads.parse(fx.fresh(fx.GOAL)), payloads.GoalAlert)
    assert isinstance(payloads.parse(fx.fresh(fx.NEWSSTAND_SHARD)), payloads.NewsstandShard)
    assert isinstance(payloads.parse(fx.fresh(fx.FOOTBALL_PENALTY_SHOOTOUT)), payloads.FootballPenaltyShootout)
    own = {"id": str(fx.fresh(fx.GOAL)["id"]), "type": "goal", "title": "t", "message": "m", "topics": ["a/b"]}
    assert isinstance(payloads.parse(own), NotificationRequest)
    with pytest.raises(ValidationError, match=r"mobileAggregatorPrefix|url"):
        payloads.parse(fx.fresh(fx.BREAKING_NEWS, link={"contentApiId": "x", "git": {"mobileAggregatorPrefix": "?"}}))


def test_the_push_of_an_n10n_notification() -> None:
    news = payloads.as_request(payloads.parse(fx.fresh(fx.BREAKING_NEWS, dryRun=True)))
    assert (news.type, news.title, news.topics, news.dryRun) == (
        NotificationType.NEWS,
        "The Guardian",
        ["breaking/uk"],
        True,
    )
    external = payloads.as_request(payloads.parse(fx.fresh(fx.LIVE_NOTIFICATION, link1={"url": "https://x.example/a"})))
    assert external.link == "https://x.example/a"
    us = payloads.as_request(payloads.parse(fx.fresh(fx.US_2020)))
    assert (us.title, us.message) == ("US elections 2020: Live results", "US elections 2020: Live results")
    shard = payloads.as_request(payloads.parse(fx.fresh(fx.NEWSSTAND_SHARD)))
    assert (shard.title, shard.dryRun, shard.link) == ("newsstand-shard-3", False, None)


def test_ttls_follow_n10n_rules_with_calendar_months() -> None:
    sent = datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert logic.ttl_for(NotificationType.NEWS, False, sent, 7, 3) is None
    assert logic.ttl_for(NotificationType.NEWS, True, sent, 7, 3) == int((sent + timedelta(days=7)).timestamp())
    feb = int(datetime(2027, 2, 28, 10, tzinfo=UTC).timestamp())
    assert logic.ttl_for(NotificationType.EDITIONS, False, sent, 7, 3) == feb, "Joda's plusMonths: the last day"
    assert logic.ttl_for(NotificationType.CONTENT, True, sent, 7, 3) == feb, "only news dry runs go in 7 days"


def test_n10ns_stored_events_read_as_platform_counts() -> None:
    events = Events.model_validate({"platform": {"total": 3, "ios": 2, "android": 1}})
    assert events.platformCounts.model_dump() == {
        "total": 3,
        "ios": 2,
        "android": 1,
        "iosEdition": 0,
        "androidEdition": 0,
    }


def test_query_parameters_are_parsed_as_n10ns_binders_parse_them() -> None:
    assert n10n_reports.parse_moment("2015-01-01", "from") == datetime(2015, 1, 1, tzinfo=UTC)
    assert n10n_reports.parse_moment("2015-01-01T05:00", "from") == datetime(2015, 1, 1, 5, tzinfo=UTC)
    plus_one = n10n_reports.parse_moment("2015-01-01T05:00:00.000+01:00", "from")
    assert plus_one == datetime(2015, 1, 1, 4, tzinfo=UTC)
    assert n10n_reports.report_range(None, None, NOW) == ("2026-11-13T12:00:00.000Z", "2026-11-20T12:00:00.000Z")
    since, until = n10n_reports.report_range(None, "2026-11-19", NOW)
    assert (since, until) == ("2026-11-13T12:00:00.000Z", "2026-11-19T00:00:00.000Z"), "each default on its own"
    assert n10n_reports.include_dry_run("1") is True
    for bad in (lambda: n10n_reports.notification_type(None), lambda: n10n_reports.include_dry_run("yes")):
        with pytest.raises(InvalidInput):
            bad()


def test_api_keys_are_read_as_n10n_reads_them_and_stored_as_hashes() -> None:
    assert keys.presented_key("Bearer abc def") == "abc def"
    assert keys.presented_key("bearer abc") is None
    assert keys.presented_key("Bearer ") is None
    assert keys.presented_key(None) is None
    assert keys.key_id("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    a, b = keys.new_key(), keys.new_key()
    assert a != b
    assert len(a) == len("n10n_") + 43
    record = ApiKey(id="x", name="n", scope="report", createdAt="t", createdBy="me")
    assert keys.allows_reports(record)
    assert not keys.allows_reports(record.model_copy(update={"revokedAt": "t"}))
    assert not keys.allows_reports(None)


def test_the_local_routes_name_the_api_key_authorizer_for_n10ns_routes_only() -> None:
    routes = route_table()
    found = select(routes, "GET", "/notifications/abc")
    assert found is not None
    assert (found[0].authorizer, found[1]) == ("api-key-authorizer", {"id": "abc"})
    health = select(routes, "GET", "/healthcheck")
    assert health is not None
    assert (health[0].public, health[0].authorizer) == (True, None)
    own = select(routes, "GET", "/api/notifications/abc")
    assert own is not None
    assert own[0].authorizer is None


def test_a_stored_payload_parses_back_to_the_same_notification_for_a_resumed_send() -> None:
    for fixture in fx.NINE_TYPES:
        posted = payloads.parse(fx.fresh(fixture))
        stored = payloads.stored_payload(posted)
        assert payloads.parse(stored) == posted, fixture["type"]
        assert payloads.as_request(payloads.parse(stored)) == payloads.as_request(posted)
