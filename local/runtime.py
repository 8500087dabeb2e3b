"""The whole local system in one process: local AWS, every catalogued resource, the HTTP API and the clockwork."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from local import outbox, twin
from local.aws import LocalAws
from local.crons import Clockwork, Ticker, fire_due_crons
from local.http_adapter import LocalHttpApi
from local.queues import poll_queues
from local.resources import create_all
from local.scheduler import fire_due_schedules
from local.status_events import install as emit_status_changes

LOCAL_ENVIRONMENT = {
    "STAGE": "local",
    "QUERY_ENGINE": "duckdb",
    "POWERTOOLS_SERVICE_NAME": "report-platform",
    "POWERTOOLS_METRICS_NAMESPACE": "ReportPlatform",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "PUSH_PROVIDER": "local.push:RecordingPushProvider",
    "SES_MAX_SEND_RATE": "1000",
}
"""The local SES answers `MaxSendRate` 1 (a sandbox account); the outbox has no limit, so it is configured."""


class LocalRuntime:
    """Start with `start()`, stop with `stop()`; `reset()` empties the local AWS and recreates the catalog."""

    def __init__(self, port: int = 0, clockwork: bool = False) -> None:
        self.port = port
        self.with_clockwork = clockwork
        self.aws = LocalAws()
        self.http: LocalHttpApi | None = None
        self.clockwork: Clockwork | None = None
        self.tickers: list[Ticker] = [fire_due_crons, fire_due_schedules, poll_queues]
        self.environment: dict[str, str] = {}

    def start(self) -> LocalRuntime:
        for name, value in LOCAL_ENVIRONMENT.items():
            os.environ.setdefault(name, value)
        os.environ.setdefault("CURSOR_KEY", secrets.token_urlsafe(48))  # the laptop's stand-in for the deployed secret
        outbox.install()
        twin.install()
        self.aws.start()
        emit_status_changes()
        self.http = LocalHttpApi(self.port)
        os.environ["API_BASE_URL"] = self.http.url
        self.environment = create_all()
        twin.configure(self.environment, self.http.url, LOCAL_ENVIRONMENT)
        self.http.start()
        if self.with_clockwork:
            self.clockwork = Clockwork(self.tickers, timedelta(seconds=5)).start()
        return self

    @property
    def url(self) -> str:
        assert self.http is not None, "start() first"
        return self.http.url

    def reset(self) -> None:
        self.aws.reset()
        outbox.clear()
        self.environment = create_all()
        assert self.http is not None
        twin.configure(self.environment, self.http.url, LOCAL_ENVIRONMENT)

    def stop(self) -> None:
        if self.clockwork:
            self.clockwork.stop()
        if self.http:
            self.http.stop()
        self.aws.stop()
