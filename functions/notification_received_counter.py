"""The received-count consumer (cron every 5 minutes): counts the last 3 hours; `{start, end}` backfills. One run at
a time (a DynamoDB lease, `shared.leases`)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clock
from shared.catalog.notifications import RECEIVED_COUNTER
from shared.leases import single_flight
from shared.notifications.logic import count_window
from shared.notifications.received import update_received_counts
from shared.observability import lambda_entry, logger
from shared.settings import get_settings


def _handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    start, end = count_window(event, clock.now(), get_settings().received_window_hours)
    summary = update_received_counts(start, end)
    logger.info("received counts updated", extra=summary)
    return summary


handler = lambda_entry(single_flight(RECEIVED_COUNTER, _handle))
