"""Faults injected by replacing a registry entry (report source, channel) in the test process only: the local Lambda
runs the handlers in this process. Never a switch in the product code."""

from __future__ import annotations

from typing import Any

from shared.delivery.channel import Artifact, ChannelReceipt, DeliveryContext


class FaultySource:
    """The real clinical weekly, failing at one step while `remaining` > 0."""

    def __init__(self, inner: Any, step: str, error: type[Exception], remaining: int) -> None:
        self.inner, self.step, self.error, self.remaining = inner, step, error, remaining
        self.report_type = inner.report_type
        self.calls = 0

    def _maybe_fail(self, step: str) -> None:
        if step == self.step and self.remaining > 0:
            self.remaining -= 1
            self.calls += 1
            raise self.error(f"injected {self.error.__name__} in {step}")

    def check_access(self, *args: Any) -> Any:
        return self.inner.check_access(*args)

    def fetch(self, spec: Any) -> Any:
        self._maybe_fail("fetch")
        return self.inner.fetch(spec)

    def aggregate(self, spec: Any, fetched: Any) -> Any:
        self._maybe_fail("aggregate")
        return self.inner.aggregate(spec, fetched)

    def build_document(self, spec: Any, aggregated: Any, purpose: Any) -> Any:
        self._maybe_fail("render")
        return self.inner.build_document(spec, aggregated, purpose)


class FaultyEmail:
    """The real email channel, failing for one recipient while `remaining` > 0."""

    name = "email"

    def __init__(self, inner: Any, recipient: str, error: type[Exception], remaining: int) -> None:
        self.inner, self.recipient, self.error, self.remaining = inner, recipient, error, remaining
        self.config_model = inner.config_model

    def check_recipient(self, recipient: str) -> None:
        self.inner.check_recipient(recipient)

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> ChannelReceipt:
        if context.recipient == self.recipient and self.remaining > 0:
            self.remaining -= 1
            raise self.error(f"injected {self.error.__name__} sending to {context.recipient}")
        return self.inner.send(context, artifacts)  # type: ignore[no-any-return]


class FaultyCall:
    """A function of the product (a store call, a step's helper), failing while `remaining` > 0, else the real one."""

    def __init__(self, inner: Any, error: type[Exception], remaining: int) -> None:
        self.inner, self.error, self.remaining = inner, error, remaining

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.remaining > 0:
            self.remaining -= 1
            raise self.error(f"injected {self.error.__name__} in {getattr(self.inner, '__name__', 'a call')}")
        return self.inner(*args, **kwargs)
