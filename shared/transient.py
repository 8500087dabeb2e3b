"""The one classification of transient AWS failures, used by the pipeline's steps and by every channel."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

TRANSIENT_CODES = frozenset(
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
"""AWS error codes worth retrying; besides these, any 5xx or 429 answer and any connection failure."""


def is_transient(error: BotoCoreError | ClientError) -> bool:
    """True when a retry may help: a code above, a 5xx or 429, a connection failure or timeout (not
    a bad parameter)."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in TRANSIENT_CODES or status >= 500 or status == 429
    return isinstance(error, (ConnectionError, HTTPClientError))
