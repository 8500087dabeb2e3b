"""Local EventBridge: fires the catalog's cron functions, and any other ticker, from one clock thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from local import lambdas
from local.account import ACCOUNT_ID, REGION
from shared import catalog, clock, cron
from shared.observability import logger

Ticker = Callable[[datetime, datetime], object]
"""Called with (since, until]: fire whatever fell due in that interval."""


def scheduled_event(function: catalog.Function, moment: datetime) -> dict[str, object]:
    """The event EventBridge sends a rule's target."""
    return {
        "version": "0",
        "id": f"local-{function.name}-{int(moment.timestamp())}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{function.name}"],
        "detail": {},
    }


def fire_due_crons(since: datetime, until: datetime) -> list[tuple[str, datetime]]:
    """Invoke every cron function with a run in (since, until]; returns what was fired."""
    fired = []
    for function in catalog.FUNCTIONS:
        if function.kind != "cron" or not function.schedule:
            continue
        for moment in cron.runs(cron.from_eventbridge(function.schedule), "UTC", since):
            if moment > until:
                break
            fired.append((function.name, moment))
            try:
                lambdas.invoke(function.name, scheduled_event(function, moment))
            except Exception:
                logger.exception("local cron run failed", extra={"function": function.name})
    return fired


class Clockwork:
    """A thread that calls each ticker every `interval` with the interval of wall-clock time that passed."""

    def __init__(self, tickers: list[Ticker], interval: timedelta = timedelta(seconds=5)) -> None:
        self.tickers = tickers
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="local-clockwork", daemon=True)

    def start(self) -> Clockwork:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        since = clock.now()
        while not self._stop.wait(self.interval.total_seconds()):
            until = clock.now()
            for ticker in self.tickers:
                try:
                    ticker(since, until)
                except Exception:
                    logger.exception("local ticker failed")
            since = until
