"""S3 as strict as AWS about signatures: a request signed with Signature Version 2 (a presigned URL with
`AWSAccessKeyId=…&Signature=…`, or an `Authorization: AWS …` header) for an object in a bucket whose synthesized
encryption is SSE-KMS is refused with S3's own 400 `InvalidArgument`. moto accepts either version."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

from moto.moto_server import threaded_moto_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

KMS_BUCKETS: set[str] = set()
"""Local names of the buckets the template encrypts with KMS (set by `local.twin.configure`)."""
REFUSAL = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Requests specifying Server '
    b"Side Encryption with AWS KMS managed keys require AWS Signature Version 4.</Message><ArgumentName>Authorization"
    b"</ArgumentName><ArgumentValue>null</ArgumentValue></Error>"
)


def signed_with_v2(environ: dict[str, Any]) -> bool:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    header = str(environ.get("HTTP_AUTHORIZATION", ""))
    return ("AWSAccessKeyId" in query and "Signature" in query) or header.startswith("AWS ")


def refused(environ: dict[str, Any]) -> bool:
    """A SigV2 request for an object (path-style `/bucket/key`) of a KMS-encrypted bucket."""
    bucket, _, key = unquote(environ.get("PATH_INFO", "")).lstrip("/").partition("/")
    return bool(key) and bucket in KMS_BUCKETS and signed_with_v2(environ)


class StrictDispatcher(DomainDispatcherApplication):
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if refused(environ):
            start_response("400 Bad Request", [("Content-Type", "application/xml"), ("x-amz-twin", "sigv2-refused")])
            return [REFUSAL]
        result: Iterable[bytes] = super().__call__(environ, start_response)
        return result


def install() -> None:
    """Serve the local AWS through `StrictDispatcher` (before the server starts)."""
    threaded_moto_server.DomainDispatcherApplication = StrictDispatcher  # type: ignore[misc]
