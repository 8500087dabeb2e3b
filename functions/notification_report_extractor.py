"""The report extractor (cron 01:00 UTC): yesterday's notification reports to the data lake; `{from, to}` backfills;
`N10N_EXTRACT=true` or `{"n10nLayout": true}` also writes mobile-n10n's layout for Ophan."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clock
from shared.notifications.extract import extract_day
from shared.notifications.logic import extract_days
from shared.observability import lambda_entry, logger
from shared.settings import get_settings


def _handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    n10n_layout = bool(event.get("n10nLayout", get_settings().n10n_extract))
    days = [extract_day(day, n10n_layout) for day in extract_days(event, clock.now())]
    logger.info("notification reports extracted", extra={"days": days})
    return {"days": days}


handler = lambda_entry(_handle)
