"""The alarms built with cdk-monitoring-constructs (cdk/monitoring.py): what they watch, and that each one notifies the
alarm topic."""

from __future__ import annotations

import json
from typing import Any

from shared import catalog
from shared.pipeline.reconciliation import PAIRS, mismatch_metrics
from tests.infra.conftest import Synth


def _alarms(synth: Synth) -> list[dict[str, Any]]:
    return [a["Properties"] for a in synth.stateless.find_resources("AWS::CloudWatch::Alarm").values()]


def _watching(synth: Synth, namespace: str, metric: str) -> list[dict[str, Any]]:
    """The alarms whose metric (plain, or one of a math expression's) is `namespace`/`metric`."""
    found = []
    for alarm in _alarms(synth):
        metrics = [alarm] + [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
        if any(m.get("Namespace") == namespace and m.get("MetricName") == metric for m in metrics):
            found.append(alarm)
    return found


def _topic_of(synth: Synth) -> str:
    (topic,) = [
        logical_id
        for logical_id, t in synth.stateless.find_resources("AWS::SNS::Topic").items()
        if "Monitoring" in logical_id
    ]
    return topic


def _notifies_topic(alarm: dict[str, Any], topic: str) -> bool:
    return topic in json.dumps(alarm.get("AlarmActions", []))


def test_the_http_api_alarms_on_5xx_and_on_p90_latency(synth: Synth) -> None:
    topic = _topic_of(synth)
    (server_errors,) = _watching(synth, "AWS/ApiGateway", "5xx")
    assert server_errors["Threshold"] == 0
    assert server_errors["ComparisonOperator"] == "GreaterThanThreshold"
    (latency,) = _watching(synth, "AWS/ApiGateway", "Latency")
    assert "p90" in json.dumps(latency)
    assert latency["Threshold"] == 3000
    assert _notifies_topic(server_errors, topic)
    assert _notifies_topic(latency, topic)


def test_every_function_alarms_on_errors_and_throttles(synth: Synth) -> None:
    deployed_here = [f for f in catalog.FUNCTIONS if f.kind != "user-pool-trigger"]
    throttles = _watching(synth, "AWS/Lambda", "Throttles")
    errors = _watching(synth, "AWS/Lambda", "Errors")
    assert len(throttles) == len(deployed_here)
    assert len(errors) >= len(deployed_here)
    topic = _topic_of(synth)
    assert all(_notifies_topic(a, topic) for a in throttles + errors)


def test_failed_report_pipeline_executions_raise_an_alarm(synth: Synth) -> None:
    (failed,) = _watching(synth, "AWS/States", "ExecutionsFailed")
    assert failed["Threshold"] == 0
    assert _notifies_topic(failed, _topic_of(synth))
    assert len(_watching(synth, "AWS/States", "ExecutionsTimedOut")) == 1


def test_a_reconciliation_mismatch_raises_an_alarm(synth: Synth) -> None:
    expected = {m for pair in PAIRS for m in mismatch_metrics(pair)}
    alarms = [
        a
        for a in _alarms(synth)
        if {m["MetricStat"]["Metric"]["MetricName"] for m in a.get("Metrics", []) if "MetricStat" in m} == expected
    ]
    (mismatch,) = alarms
    namespaces = {m["MetricStat"]["Metric"]["Namespace"] for m in mismatch["Metrics"] if "MetricStat" in m}
    assert namespaces == {"ReportPlatform"}
    assert mismatch["Threshold"] == 0
    assert mismatch["ComparisonOperator"] == "GreaterThanThreshold"
    assert mismatch["TreatMissingData"] == "notBreaching"
    assert "reconciliation" in mismatch["AlarmDescription"]
    assert _notifies_topic(mismatch, _topic_of(synth))


def test_one_operations_dashboard_shows_the_api_the_pipeline_and_the_reconciliation(synth: Synth) -> None:
    dashboards = synth.stateless.find_resources("AWS::CloudWatch::Dashboard")
    assert len(dashboards) == 1
    body = json.dumps(next(iter(dashboards.values()))["Properties"]["DashboardBody"])
    for shown in ("HTTP API", "report-pipeline", "Reconciliation mismatches", "DeliveriesDelivered"):
        assert shown in body
