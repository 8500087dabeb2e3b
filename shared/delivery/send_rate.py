"""SES sending-rate pacing: one token bucket for the whole account, filled at its `MaxSendRate`.

The rate is the `SES_MAX_SEND_RATE` setting when given, else SES `GetSendQuota`'s `MaxSendRate`, read once per cold
start (unreadable: 1 per second, the sandbox rate). Every email takes a token first. The bucket is one item of the
`send-rate` table (`SharedTokenBucket`), taken with conditional updates, so every Lambda environment sending at once
(the Deliver Map's concurrency, the delivery worker, the sweepers) shares the one rate; without the table (a process
outside the platform's functions) a bucket of the process stands in."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client, resource
from shared.catalog.delivery import SEND_RATE
from shared.items import conditional_check_failed
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


class SharedTokenBucket:
    """`rate` tokens per second, at most `capacity` banked, in one DynamoDB item shared by every process: each take
    reads the item and writes the refilled count less one, conditional on the item being unchanged since the read
    (a concurrent take makes it read again)."""

    def __init__(
        self,
        table: Any,
        bucket_id: str,
        rate: float,
        capacity: float | None = None,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.table, self.bucket_id, self.rate = table, bucket_id, rate
        self.capacity = max(1.0, capacity if capacity is not None else rate)
        self._now, self._sleep = now, sleep

    def take(self) -> float:
        """Take one token, waiting until there is one; returns the seconds waited."""
        waited = 0.0
        while True:
            current = self._now()
            item = self.table.get_item(Key={"bucketId": self.bucket_id}, ConsistentRead=True).get("Item")
            tokens = self.capacity if item is None else float(item["tokens"])
            stamp = current if item is None else float(item["stamp"])
            tokens = min(self.capacity, tokens + max(0.0, current - stamp) * self.rate)
            if tokens < 1:
                pause = (1 - tokens) / self.rate
                self._sleep(pause)
                waited += pause
                continue
            if self._write(item, tokens - 1, max(current, stamp)):
                return waited

    def _write(self, seen: dict[str, Any] | None, tokens: float, stamp: float) -> bool:
        """Store the new count, if nobody took a token since `seen` was read."""
        values: dict[str, Any] = {":tokens": _decimal(tokens), ":stamp": _decimal(stamp)}
        if seen is None:
            condition = "attribute_not_exists(bucketId)"
        else:
            condition = "stamp = :seen_stamp AND tokens = :seen_tokens"
            values.update({":seen_stamp": seen["stamp"], ":seen_tokens": seen["tokens"]})
        try:
            self.table.update_item(
                Key={"bucketId": self.bucket_id},
                UpdateExpression="SET tokens = :tokens, stamp = :stamp",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if conditional_check_failed(error):
                return False
            raise
        return True


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


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


_bucket: TokenBucket | SharedTokenBucket | None = None
_bucket_lock = threading.Lock()


def ses_bucket() -> TokenBucket | SharedTokenBucket:
    """The account's SES bucket (the `send-rate` table), made on first use (one quota read per cold start); a bucket
    of the process when the function has no such table."""
    global _bucket
    with _bucket_lock:
        if _bucket is None:
            settings = get_settings()
            if SEND_RATE.env_var in settings.resources:
                table = resource("dynamodb").Table(settings.name_of(SEND_RATE))
                _bucket = SharedTokenBucket(table, "ses", account_send_rate())
            else:
                _bucket = TokenBucket(account_send_rate())
        return _bucket


def reset() -> None:
    """Forget the bucket (tests and the local runtime, after changing the settings)."""
    global _bucket
    with _bucket_lock:
        _bucket = None
