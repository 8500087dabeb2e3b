"""A push provider that records what it was given instead of reaching a phone (local runs and tests)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from shared.errors import PermanentError, TransientError
from shared.push.provider import Platform


@dataclass(frozen=True)
class SentPush:
    device_token: str
    platform: Platform
    title: str
    body: str
    data: dict[str, str]
    message_id: str


@dataclass
class RecordingPushProvider:
    """Implements `shared.push.provider.PushProvider`. `fail_next(n)` makes the next n sends raise TransientError
    (or PermanentError with `permanent=True`); failed sends are counted in `failures`, not recorded as sent."""

    sent: list[SentPush] = field(default_factory=list)
    failures: int = 0
    _fail_remaining: int = 0
    _fail_permanently: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, count: int, permanent: bool = False) -> None:
        with self._lock:
            self._fail_remaining = count
            self._fail_permanently = permanent

    def send(self, device_token: str, platform: Platform, title: str, body: str, data: dict[str, str]) -> str:
        with self._lock:
            if self._fail_remaining > 0:
                self._fail_remaining -= 1
                self.failures += 1
                if self._fail_permanently:
                    raise PermanentError(f"the recording provider was told to refuse {platform} device {device_token}")
                raise TransientError("the recording provider was told to fail this send")
            message_id = f"local-push-{len(self.sent) + 1}"
            self.sent.append(SentPush(device_token, platform, title, body, dict(data), message_id))
            return message_id
