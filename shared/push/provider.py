"""The one interface every push provider implements.

`send` delivers one notification to one device and returns the provider's message id. It raises
`shared.errors.TransientError` for a failure worth retrying (throttled, the provider's 5xx, a timeout) and
`shared.errors.PermanentError` for one that is not (an unregistered or malformed token).
"""

from __future__ import annotations

from typing import Literal, Protocol

Platform = Literal["ios", "android", "ios-edition", "android-edition"]
"""Device platforms, named as mobile-n10n names them (reports, registrations, received logs)."""


class PushProvider(Protocol):
    def send(self, device_token: str, platform: str, title: str, body: str, data: dict[str, str]) -> str: ...
