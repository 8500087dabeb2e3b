"""Domain exceptions. The API layer maps each to one HTTP status in one place (`shared.api.errors`)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a caller can be told about."""

    code = "error"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(DomainError):
    code = "invalid_input"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class DependencyFailed(DomainError):
    """A service the request relies on failed after part of the work was done; the message says what was done."""

    code = "dependency_failed"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class ConfigurationError(Exception):
    """The function's environment is incomplete: a deployment fault, never the caller's."""


class TransientError(Exception):
    """A failure worth retrying (throttling, a peer's 5xx, a timeout). Step Functions retries on this name."""


class PermanentError(Exception):
    """A failure that a retry will not fix. Step Functions does not retry it: the execution ends at that step (a
    delivery: that delivery ends failed)."""
