"""boto3 clients and resources, created once per cold start. The only module that builds them.

The endpoint comes from boto3's own settings (`AWS_ENDPOINT_URL`), so the same code reaches AWS or the local AWS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)


@cache
def client(service: str, endpoint_url: str | None = None) -> Any:
    """A boto3 client for `service`, shared by every caller in this process; `endpoint_url` for services reached at
    an address of their own (a WebSocket API's connections endpoint)."""
    return boto3.session.Session().client(service, config=_CONFIG, endpoint_url=endpoint_url)


@cache
def resource(service: str) -> Any:
    """A boto3 resource (DynamoDB tables, S3 buckets), shared likewise."""
    return boto3.session.Session().resource(service, config=_CONFIG)


def reset_clients() -> None:
    """Forget every client (after the endpoint or credentials of the process changed)."""
    client.cache_clear()
    resource.cache_clear()
