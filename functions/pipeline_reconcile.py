"""Daily reconciliation cron: S3 objects without metadata and metadata without objects, reported and counted."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from shared.observability import lambda_entry, logger, metrics
from shared.pipeline.reconciliation import mismatch_metrics, reconcile


def _run(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    report = reconcile()
    for pair in report.pairs:
        orphans, missing = mismatch_metrics(pair.name)
        metrics.add_metric(name=orphans, unit=MetricUnit.Count, value=pair.orphanCount)
        metrics.add_metric(name=missing, unit=MetricUnit.Count, value=pair.missingCount)
        if pair.orphanCount or pair.missingCount:
            logger.warning("S3 and metadata disagree", extra={"mismatch": pair.model_dump()})
    return report.model_dump()


handler = lambda_entry(_run)
