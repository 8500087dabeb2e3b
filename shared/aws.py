"""boto3 clients and resources, created once per cold start. The only module that builds them.

The endpoint comes from boto3's own settings (`AWS_ENDPOINT_URL`), so the same code reaches AWS or the local AWS.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)
_SERVICE_CONFIG = {"s3": _CONFIG.merge(Config(signature_version="s3v4"))}
"""S3 presigns SigV4 always: botocore would make SigV2 URLs in us-east-1, which S3 refuses for SSE-KMS objects."""


_LOADER = botocore.loaders.create_loader()
"""One loader of service models for every session: each model file is parsed once per process (a new botocore
session parses them again: about 0.16 s a client)."""


def _session() -> boto3.session.Session:
    """A new session (its own credentials, read from the environment) sharing the parsed service models."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    session = boto3.session.Session(botocore_session=core)
    _LOADER.search_paths[:] = list(dict.fromkeys(_LOADER.search_paths))  # boto3 appends its data path per session
    return session


def _credentials() -> str:
    """Whose clients: one entry in Lambda; the local twin runs each function with its own credentials."""
    return os.environ.get("AWS_ACCESS_KEY_ID", "")


def client(service: str, endpoint_url: str | None = None) -> Any:
    """A boto3 client for `service`, shared by every caller in this process with these credentials; `endpoint_url`
    for services reached at an address of their own (a WebSocket API's connections endpoint)."""
    return _client(service, _credentials(), endpoint_url)


def resource(service: str) -> Any:
    """A boto3 resource (DynamoDB tables, S3 buckets), shared likewise."""
    return _resource(service, _credentials())


_SEND_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=15)
"""For a delivery's hand-over (SES): fewer, shorter tries, so one send's worst case fits its function's timeout
(`shared.delivery.retry_budget`)."""


def send_client(service: str) -> Any:
    """A boto3 client for a delivery's hand-over call, with the send retry budget."""
    return _send_client(service, _credentials())


def presigning_client(service: str, region: str) -> Any:
    """A client whose presigned URLs are Signature Version 4 for `region` (the resource's). botocore presigns S3 with
    SigV2 by default in us-east-1 and other regions, and S3 refuses SigV2 for SSE-KMS objects."""
    return _presigning_client(service, region, _credentials())


@cache
def _presigning_client(service: str, region: str, _credentials: str) -> Any:
    config = _CONFIG.merge(Config(signature_version="s3v4"))
    return _session().client(service, region_name=region, config=config)


@cache
def _client(service: str, _credentials: str, endpoint_url: str | None = None) -> Any:
    return _session().client(service, config=_SERVICE_CONFIG.get(service, _CONFIG), endpoint_url=endpoint_url)


@cache
def _resource(service: str, _credentials: str) -> Any:
    return _session().resource(service, config=_SERVICE_CONFIG.get(service, _CONFIG))


@cache
def _send_client(service: str, _credentials: str) -> Any:
    return _session().client(service, config=_SEND_CONFIG)


def reset_clients() -> None:
    """Forget every client (after the endpoint or credentials of the process changed)."""
    _client.cache_clear()
    _resource.cache_clear()
    _send_client.cache_clear()
    _presigning_client.cache_clear()
