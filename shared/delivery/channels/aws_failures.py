"""AWS client errors as the channel contract wants them: `TransientError` if a retry may help, else `PermanentError`."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from shared.errors import PermanentError, TransientError
from shared.transient import is_transient


def as_channel_error(error: BotoCoreError | ClientError, doing: str) -> TransientError | PermanentError:
    """Name what failed (`doing`: "copying to s3://b/k") and classify it (`shared.transient`)."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        message = str(error.response.get("Error", {}).get("Message", "")) or str(error)
        text = f"{doing} failed: {code or status} {message}".strip()
        return TransientError(text) if is_transient(error) else PermanentError(text)
    text = f"{doing} failed: {error}"
    return TransientError(text) if is_transient(error) else PermanentError(text)
