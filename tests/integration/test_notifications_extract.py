"""The report extractor: yesterday by default, every page of a day, a backfill of several days, reruns byte-equal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from local import function_env, lambdas
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog.notifications import REPORT_EXTRACTOR
from shared.notifications import demo
from shared.notifications.extract import extract_key
from shared.settings import get_settings, reset_settings

NOW = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)


def _extract(key: str) -> bytes:
    return client("s3").get_object(Bucket=get_settings().resources["DATA_LAKE_BUCKET"], Key=key)["Body"].read()


def _run(event: dict[str, object]) -> dict[str, object]:
    with function_env.overridden(REPORT_EXTRACTOR.name, NOTIFICATION_PAGE_SIZE="4"):
        reset_settings()
        try:
            clock.set_now(NOW)
            return lambdas.invoke(REPORT_EXTRACTOR.name, event)
        finally:
            reset_settings()


def test_yesterday_every_page_in_a_fixed_order_and_a_rerun_writes_the_same(clean: LocalRuntime) -> None:
    records = demo.notification_records(NOW, days=3, per_day=20, seed=9)
    list(demo.put_records(records))
    reply = _run({"detail-type": "Scheduled Event"})
    [day] = reply["days"]  # type: ignore[misc]
    yesterday = [r for r in records if r.sentTime.startswith("2026-11-19")]
    assert day["records"] == len(yesterday) > 12
    assert day["queries"] > len(yesterday) // 4
    body = _extract(extract_key(date(2026, 11, 19)))
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [line["id"] for line in lines] == [r.id for r in sorted(yesterday, key=lambda r: (r.sentTime, r.id))]
    assert {line["dryRun"] for line in lines} == {True, False}
    assert all(line["totalRegistrationCount"] > 0 for line in lines)
    assert set(lines[0]) >= {"recipients_ios", "received_androidEdition", "title", "type", "sentTime"}
    _run({"detail-type": "Scheduled Event"})
    assert _extract(extract_key(date(2026, 11, 19))) == body


def test_a_backfill_writes_each_day(clean: LocalRuntime) -> None:
    records = demo.notification_records(NOW, days=4, per_day=6, seed=4)
    list(demo.put_records(records))
    reply = _run({"from": "2026-11-16", "to": "2026-11-18"})
    assert [d["day"] for d in reply["days"]] == ["2026-11-16", "2026-11-17", "2026-11-18"]  # type: ignore[index]
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        lines = _extract(extract_key(date.fromisoformat(day))).decode().splitlines()
        assert len(lines) == sum(1 for r in records if r.sentTime.startswith(day))
