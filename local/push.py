"""The local push provider: records every delivery attempt and fails on request, so tests see retries and the DLQ.

The local runtime names it in `PUSH_PROVIDER`; `shared.push.selection` builds it like any other provider."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from shared.errors import PermanentError, TransientError


@dataclass(frozen=True)
class Attempt:
    device_token: str
    platform: str
    title: str
    body: str
    data: dict[str, str]
    outcome: str
    """`sent:<message id>`, `transient` or `permanent`."""


@dataclass
class PushLog:
    """Every attempt of this process, and the tokens told to fail (transiently or for good)."""

    attempts: list[Attempt] = field(default_factory=list)
    failing: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, token: str, how: str = "transient") -> None:
        """Make every send to `token` fail: `transient` (retried, then the DLQ) or `permanent` (dropped)."""
        with self._lock:
            self.failing[token] = how

    def heal(self, token: str | None = None) -> None:
        with self._lock:
            if token is None:
                self.failing.clear()
            else:
                self.failing.pop(token, None)

    def clear(self) -> None:
        with self._lock:
            self.attempts.clear()
            self.failing.clear()

    def sent(self) -> list[Attempt]:
        return [a for a in self.attempts if a.outcome.startswith("sent:")]

    def record(self, attempt: Attempt) -> None:
        with self._lock:
            self.attempts.append(attempt)


PUSH_LOG = PushLog()


class RecordingPushProvider:
    """A `PushProvider` that delivers nowhere and remembers everything in `PUSH_LOG`."""

    def send(self, device_token: str, platform: str, title: str, body: str, data: dict[str, str]) -> str:
        how = PUSH_LOG.failing.get(device_token)
        outcome = how or f"sent:{uuid.uuid4()}"
        PUSH_LOG.record(Attempt(device_token, platform, title, body, dict(data), outcome))
        if how == "permanent":
            raise PermanentError(f"device {device_token} is not registered (told to fail)")
        if how:
            raise TransientError(f"the push service is unavailable for {device_token} (told to fail)")
        return outcome.removeprefix("sent:")
