"""SES sending-rate pacing: one token bucket per process, filled at the account's `MaxSendRate`.

The rate is the `SES_MAX_SEND_RATE` setting when given, else SES `GetSendQuota`'s `MaxSendRate`, read once per cold
start (unreadable: 1 per second, the sandbox rate). Every email of the process takes a token first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client
from shared.observability import logger
from shared.settings import get_settings

FALLBACK_RATE = 1.0


class TokenBucket:
    """`rate` tokens per second, at most `capacity` banked; `take()` waits for one. Thread-safe."""

    def __init__(
        self,
        rate: float,
        capacity: float | None = None,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = max(1.0, capacity if capacity is not None else rate)
        self._tokens = self.capacity
        self._now = now
        self._sleep = sleep
        self._stamp = now()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take one token, waiting until there is one; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                current = self._now()
                self._tokens = min(self.capacity, self._tokens + (current - self._stamp) * self.rate)
                self._stamp = current
                if self._tokens >= 1:
                    self._tokens -= 1
                    return waited
                pause = (1 - self._tokens) / self.rate
            self._sleep(pause)
            waited += pause


def account_send_rate() -> float:
    """The configured rate, else the account's `MaxSendRate`."""
    configured = get_settings().ses_max_send_rate
    if configured is not None:
        return configured
    try:
        rate = float(client("ses").get_send_quota()["MaxSendRate"])
    except (ClientError, BotoCoreError, KeyError) as error:
        logger.warning("SES send quota unreadable; pacing at the sandbox rate", extra={"error": f"{error}"})
        return FALLBACK_RATE
    return rate if rate > 0 else FALLBACK_RATE


_bucket: TokenBucket | None = None
_bucket_lock = threading.Lock()


def ses_bucket() -> TokenBucket:
    """The process's bucket, made on first use (one quota read per cold start)."""
    global _bucket
    with _bucket_lock:
        if _bucket is None:
            _bucket = TokenBucket(account_send_rate())
        return _bucket


def reset() -> None:
    """Forget the bucket (tests and the local runtime, after changing the settings)."""
    global _bucket
    with _bucket_lock:
        _bucket = None
