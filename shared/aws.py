"""boto3 clients and resources, created once per cold start. The only module that builds them.

The endpoint comes from boto3's own settings (`AWS_ENDPOINT_URL`), so the same code reaches AWS or the local AWS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)
_SERVICE_CONFIG = {"s3": _CONFIG.merge(Config(signature_version="s3v4"))}
"""S3 presigns SigV4 always: botocore would make SigV2 URLs in us-east-1, which S3 refuses for SSE-KMS objects."""


@cache
def client(service: str) -> Any:
    """A boto3 client for `service`, shared by every caller in this process."""
    return boto3.session.Session().client(service, config=_SERVICE_CONFIG.get(service, _CONFIG))


@cache
def resource(service: str) -> Any:
    """A boto3 resource (DynamoDB tables, S3 buckets), shared likewise."""
    return boto3.session.Session().resource(service, config=_SERVICE_CONFIG.get(service, _CONFIG))


_SEND_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=15)
"""For a delivery's hand-over (SES): fewer, shorter tries, so one send's worst case fits its function's timeout
(`shared.delivery.retry_budget`)."""


@cache
def send_client(service: str) -> Any:
    """A boto3 client for a delivery's hand-over call, with the send retry budget."""
    return boto3.session.Session().client(service, config=_SEND_CONFIG)


def reset_clients() -> None:
    """Forget every client (after the endpoint or credentials of the process changed)."""
    client.cache_clear()
    resource.cache_clear()
    send_client.cache_clear()
