"""Distribution stats: counters after a series of deliveries, EMF metrics, and `GET /api/v1/reporting/stats`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from local.runtime import LocalRuntime
from shared.delivery import stats
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient

T0 = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)


def record_series() -> None:
    """Hour 10: webhook 3 delivered (100, 200, 300 ms), 1 retried then failed; email 2 delivered. Hour 11: 1 more."""
    for ms in (100.0, 200.0, 300.0):
        stats.record_attempt("acme", "usage-summary", "webhook", "delivered", ms, T0)
    stats.record_attempt("acme", "usage-summary", "webhook", "retrying", 50.0, T0)
    stats.record_attempt("acme", "usage-summary", "webhook", "failed", 70.0, T0 + timedelta(minutes=1))
    for _ in range(2):
        stats.record_attempt("acme", "clinical-weekly", "email", "delivered", 40.0, T0)
    stats.record_attempt("acme", "usage-summary", "webhook", "delivered", 500.0, T0 + timedelta(hours=1))
    stats.record_attempt("globex", "usage-summary", "webhook", "delivered", 1.0, T0)


def test_counters_after_a_series_of_deliveries(clean: LocalRuntime) -> None:
    record_series()
    rows = stats.read_stats("acme", T0, T0 + timedelta(hours=1))
    by_key = {(r.timestamp, r.report_type, r.channel): r for r in rows}
    webhook = by_key[("2026-11-23T10:00:00.000Z", "usage-summary", "webhook")]
    assert (webhook.deliveries_attempted, webhook.deliveries_successful, webhook.deliveries_failed) == (5, 3, 1)
    assert webhook.avg_delivery_time_ms == pytest.approx(200.0)
    email = by_key[("2026-11-23T10:00:00.000Z", "clinical-weekly", "email")]
    assert (email.deliveries_attempted, email.deliveries_successful, email.avg_delivery_time_ms) == (2, 2, 40.0)
    later = by_key[("2026-11-23T11:00:00.000Z", "usage-summary", "webhook")]
    assert later.deliveries_successful == 1
    assert len(rows) == 3
    total = stats.totals(rows)
    assert total is not None
    assert (total.deliveries_attempted, total.deliveries_successful, total.deliveries_failed) == (8, 6, 1)
    assert total.avg_delivery_time_ms == pytest.approx((600 + 80 + 500) / 6, abs=0.001)


def test_metrics_are_emitted_as_emf_with_report_type_and_channel(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ReportPlatform")
    capsys.readouterr()
    stats.record_attempt("acme", "usage-summary", "slack", "delivered", 123.0, T0)
    blob = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    directive = blob["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "ReportPlatform"
    assert {"report_type", "channel"} <= set(directive["Dimensions"][0])
    assert {m["Name"] for m in directive["Metrics"]} == {"DeliveriesAttempted", "DeliveriesDelivered", "DeliveryTime"}
    assert (blob["report_type"], blob["channel"], blob["DeliveryTime"]) == ("usage-summary", "slack", [123.0])


def test_stats_route_is_tenant_scoped_and_filters(clean: LocalRuntime, token: TokenFactory) -> None:
    record_series()
    acme = ApiClient(clean.url, token=token(sub="alice"))
    window = "from=2026-11-23T09:00:00Z&until=2026-11-23T12:00:00Z"
    reply = acme.get(f"/api/v1/reporting/stats?{window}")
    assert reply.status == 200, reply.body
    assert reply.json["from"] == "2026-11-23T09:00:00.000Z"
    assert len(reply.json["stats"]) == 3
    assert reply.json["totals"]["deliveries_attempted"] == 8
    only = acme.get(f"/api/v1/reporting/stats?{window}&channel=webhook&reportType=usage-summary").json
    assert [r["deliveries_successful"] for r in only["stats"]] == [3, 1]
    globex = ApiClient(clean.url, token=token(sub="g", tenant="globex")).get(f"/api/v1/reporting/stats?{window}")
    assert globex.json["totals"]["deliveries_attempted"] == 1
    hour_11 = acme.get("/api/v1/reporting/stats?from=2026-11-23T11:30:00Z&until=2026-11-23T11:45:00Z").json
    assert [r["timestamp"] for r in hour_11["stats"]] == ["2026-11-23T11:00:00.000Z"]


def test_stats_route_refuses_bad_windows(clean: LocalRuntime, token: TokenFactory) -> None:
    acme = ApiClient(clean.url, token=token(sub="alice"))
    assert acme.get("/api/v1/reporting/stats?from=2026-11-23T12:00:00Z&until=2026-11-23T09:00:00Z").status == 400
    assert acme.get("/api/v1/reporting/stats?from=2026-01-01T00:00:00Z&until=2026-11-23T09:00:00Z").status == 400
    assert acme.get("/api/v1/reporting/stats?from=yesterday").status == 422
    empty = acme.get("/api/v1/reporting/stats")
    assert empty.status == 200
    assert empty.json["stats"] == []
    assert empty.json["totals"] is None
