"""mobile-n10n's data: received counts from its raw Fastly log lines (edition platforms counted, the `unknown` id and
provider `comment` skipped), and the extractor's n10n layout for Ophan beside today's flat rows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from local import function_env, lambdas
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog import resource_by_id
from shared.catalog.notifications import N10N_RAW_EVENTS, RECEIVED_COUNTER, REPORT_EXTRACTOR
from shared.notifications import migration, store
from shared.notifications.extract import extract_key, n10n_extract_key
from shared.settings import get_settings, reset_settings
from tests.support import n10n_fixtures as fx
from tests.support.notifications import put_received, received

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _fastly(notification_id: str, platform: str, moment: datetime, provider: str = "FCM", **extra: str) -> str:
    """One line of n10n's raw events (Fastly's log of the apps' `/notification/received` calls)."""
    query = f"notificationId={notification_id}&platform={platform}&provider={provider}"
    line = {"querystring": query, "event": "/notification/received", "datetime": f"{moment:%Y-%m-%dT%H:%M:%S}"}
    return json.dumps({**line, **extra})


def _put_fastly(lines: list[str], moment: datetime) -> None:
    bucket = get_settings().name_of(resource_by_id(N10N_RAW_EVENTS.bucket))
    key = f"{N10N_RAW_EVENTS.prefix}/date={moment:%Y-%m-%d}/hour={moment:%H}/fastly-0.json"
    client("s3").put_object(Bucket=bucket, Key=key, Body=("\n".join(lines) + "\n").encode())


def test_received_counts_on_n10ns_logs_count_edition_platforms_and_skip_unknown_ids_and_comments(
    clean: LocalRuntime,
) -> None:
    sent = NOW - timedelta(hours=1)
    item = fx.stored_by_n10n(clock.iso(sent))
    del item["events"]
    store._table().put_item(Item=item)
    nid = item["id"]
    later = sent + timedelta(minutes=5)
    _put_fastly(
        [
            _fastly(nid, "ios", later),
            _fastly(nid, "ios", later, provider="azure"),
            _fastly(nid, "android", later),
            _fastly(nid, "ios-edition", later),
            _fastly(nid, "ios-edition", later),
            _fastly(nid, "android-edition", later),
            _fastly(nid, "android", later, provider="comment"),
            _fastly("unknown", "android", later),
            json.dumps({"querystring": f"notificationId={nid}&platform=ios", "event": "/notification/opened"}),
        ],
        later,
    )
    put_received([received(nid, "android", later + timedelta(minutes=1), provider="fcm")])
    clock.set_now(NOW)
    summary = lambdas.invoke(RECEIVED_COUNTER.name, {"detail-type": "Scheduled Event", "detail": {}})
    assert summary["notificationsSeen"] == 1, "the `unknown` id is never counted"
    record = store.get(nid)
    assert record is not None
    assert record.events is not None
    assert record.events.platformCounts.model_dump() == {
        "total": 7,
        "ios": 2,
        "android": 2,
        "iosEdition": 2,
        "androidEdition": 1,
    }, "both sources summed; `comment` and other events skipped"


def _run_extractor(event: dict[str, Any], n10n: str | None = None) -> dict[str, Any]:
    """The extractor as deployed, or with `N10N_EXTRACT` set on its function (as a deploy with the option would)."""
    variables = {"N10N_EXTRACT": n10n} if n10n is not None else {}
    clock.set_now(NOW)
    with function_env.overridden(REPORT_EXTRACTOR.name, **variables):
        reset_settings()  # a changed environment is a new cold start
        result: dict[str, Any] = lambdas.invoke(REPORT_EXTRACTOR.name, event)
    reset_settings()
    return result


def _object(key: str) -> bytes | None:
    s3 = client("s3")
    try:
        return bytes(s3.get_object(Bucket=get_settings().resources["DATA_LAKE_BUCKET"], Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None


def test_the_extractor_writes_n10ns_layout_beside_the_flat_rows_when_asked(clean: LocalRuntime) -> None:
    day = date(2026, 11, 19)
    moments = [datetime(2026, 11, 19, h, tzinfo=UTC) for h in range(1, 24, 2)]
    kept: list[tuple[str, str]] = []
    for n, payload in enumerate(fx.NINE_TYPES):
        body = fx.fresh(payload)
        item = fx.stored_by_n10n(clock.iso(moments[n]), body["id"], type=body["type"], notification=body)
        store._table().put_item(Item=item)
        if body["type"] in ("news", "content", "football-match-status", "editions"):
            kept.append((body["type"], body["id"]))
    dry = fx.fresh(fx.BREAKING_NEWS, dryRun=True)
    store._table().put_item(Item=fx.stored_by_n10n(clock.iso(moments[10]), dry["id"], notification=dry))
    migration.migrate(apply=True)

    reply = _run_extractor({"from": "2026-11-19", "to": "2026-11-19"})
    assert "n10nKey" not in reply["days"][0], "off unless asked"
    assert _object(n10n_extract_key(day)) is None

    reply = _run_extractor({"from": "2026-11-19", "to": "2026-11-19"}, n10n="true")
    [summary] = reply["days"]
    assert summary["n10nKey"] == "ophan/data/date=2026-11-19/notifications.json"
    body = _object(n10n_extract_key(day))
    assert body is not None
    lines = [json.loads(line) for line in body.decode().split("\n")]
    order = ["news", "content", "football-match-status", "editions"]
    assert [(line["type"], line["id"]) for line in lines] == sorted(kept, key=lambda k: order.index(k[0]))
    assert all(not line["notification"].get("dryRun") for line in lines), "no dry runs"
    assert set(lines[0]) <= {"id", "type", "notification", "sentTime", "reports", "events", "ttl"}
    assert lines[0]["events"] == {
        "platform": {"total": 900, "ios": 500, "android": 400, "iosEdition": 0, "androidEdition": 0}
    }, "the counts where n10n's event consumer stores them"
    flat = _object(extract_key(day))
    assert flat is not None
    assert len(flat.decode().splitlines()) == 10, "today's flat rows still written, every type"
    by_event = _run_extractor({"from": "2026-11-19", "to": "2026-11-19", "n10nLayout": True})
    assert by_event["days"][0]["n10nRecords"] == 4
