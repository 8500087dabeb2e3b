"""AWS client errors as the channel contract wants them: `TransientError` if a retry may help, else `PermanentError`."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from shared.errors import PermanentError, TransientError

_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ServiceUnavailable",
        "InternalError",
        "InternalFailure",
        "InternalServiceError",
        "InternalServerError",
        "InternalServiceErrorException",
        "RequestTimeout",
        "RequestTimeoutException",
        "ProvisionedThroughputExceededException",
        "KMSThrottlingException",
        "LimitExceededException",
    }
)


def as_channel_error(error: BotoCoreError | ClientError, doing: str) -> TransientError | PermanentError:
    """Name what failed (`doing`: "copying to s3://b/k") and classify it; connection failures are transient."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        message = str(error.response.get("Error", {}).get("Message", "")) or str(error)
        text = f"{doing} failed: {code or status} {message}".strip()
        if code in _TRANSIENT_CODES or status >= 500 or status == 429:
            return TransientError(text)
        return PermanentError(text)
    return TransientError(f"{doing} failed: {error}")
