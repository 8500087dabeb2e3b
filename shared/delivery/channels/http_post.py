"""POSTing to a peer's URL with the channel contract's retry rules, shared by the webhook and Slack channels.

Retried: timeouts, connection failures, 408, 429 (honouring `Retry-After`) and every 5xx, with exponential backoff and
jitter, up to the policy's attempts; then `TransientError`. Anything else that is not 2xx (3xx included: redirects are
not followed) is a `PermanentError` at once, carrying the status and an excerpt of the peer's answer.
"""

from __future__ import annotations

import ipaddress
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import urllib3
from pydantic import BaseModel, ConfigDict, Field

from shared import clock
from shared.delivery.channel import ChannelReceipt
from shared.errors import PermanentError, TransientError
from shared.settings import get_settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRYABLE_STATUSES = frozenset({408, 429})
EXCERPT_CHARS = 300

_pool = urllib3.PoolManager(retries=False, maxsize=10)


class RetryPolicy(BaseModel):
    """How long to wait for a peer and how often to try it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(10.0, gt=0, le=60, description="connect and read timeout of one attempt")
    max_attempts: int = Field(4, ge=1, le=10, description="attempts within one send, the first included")
    backoff_base_s: float = Field(0.5, ge=0, le=30, description="wait before the 2nd attempt; doubles each time")
    backoff_max_s: float = Field(8.0, ge=0, le=120, description="the longest wait between two attempts")
    max_retry_after_s: float = Field(
        60.0, ge=0, le=900, description="a longer Retry-After ends the send with TransientError (retried later)"
    )


class HttpReceipt(ChannelReceipt):
    status: int
    attempts: int
    """HTTP attempts this send took (1 when the first was accepted)."""


@dataclass(frozen=True)
class PostOutcome:
    status: int
    attempts: int


def check_peer_url(url: str, allowed_host_suffixes: tuple[str, ...] = ()) -> str:
    """Refuse a URL the platform must not call: not https, a private or link-local address, a host off the list.

    Loopback (127.0.0.1, localhost) is accepted, over http too, only in the `local` stage: for local runs and tests."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError("the URL must not carry credentials")
    if host in LOOPBACK_HOSTS:
        if get_settings().stage != "local":
            raise ValueError("127.0.0.1 and localhost are accepted only in the local stage (local runs and tests)")
        if parts.scheme not in ("http", "https"):
            raise ValueError("the URL must be http(s)")
        return url
    if parts.scheme != "https":
        raise ValueError(
            "the URL must use https (plain http is accepted only for 127.0.0.1 or localhost, for local runs and tests)"
        )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and not address.is_global:
        raise ValueError("the URL must not point to a private, link-local or reserved address")
    if allowed_host_suffixes and not any(host == s or host.endswith("." + s) for s in allowed_host_suffixes):
        raise ValueError(f"the URL's host must be one of {', '.join(allowed_host_suffixes)} (or a subdomain)")
    return url


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds from now: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - clock.now()).total_seconds())


def backoff_seconds(policy: RetryPolicy, attempt: int) -> float:
    """The wait after failed attempt `attempt` (1-based): exponential, capped, with jitter in [50%, 100%]."""
    ceiling = min(policy.backoff_max_s, policy.backoff_base_s * (2 ** (attempt - 1)))
    return ceiling * random.uniform(0.5, 1.0)


def post_with_retries(
    url: str,
    body: bytes,
    headers: dict[str, str],
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> PostOutcome:
    """POST `body` until a 2xx (returned), a permanent answer (raised) or the end of the budget (TransientError)."""
    host = urlsplit(url).netloc
    timeout = urllib3.Timeout(connect=policy.timeout_s, read=policy.timeout_s)
    last_problem = ""
    for attempt in range(1, policy.max_attempts + 1):
        wait: float | None = None
        try:
            response = _pool.request(
                "POST",
                url,
                body=body,
                headers={**headers, "X-Delivery-Attempt": str(attempt)},
                timeout=timeout,
                redirect=False,
                preload_content=True,
            )
        except urllib3.exceptions.HTTPError as error:
            last_problem = f"{type(error).__name__}: {error}"
        else:
            if 200 <= response.status < 300:
                return PostOutcome(response.status, attempt)
            excerpt = response.data[:EXCERPT_CHARS].decode("utf-8", "replace")
            if response.status not in RETRYABLE_STATUSES and response.status < 500:
                raise PermanentError(f"HTTP {response.status} from {host} (not retried): {excerpt}")
            last_problem = f"HTTP {response.status}: {excerpt}"
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None and wait > policy.max_retry_after_s:
                raise TransientError(
                    f"{host} asked to retry after {wait:.0f} s, beyond this send's {policy.max_retry_after_s:.0f} s "
                    f"budget (attempt {attempt}); {last_problem}"
                )
        if attempt < policy.max_attempts:
            sleep(max(wait or 0.0, backoff_seconds(policy, attempt)))
    raise TransientError(
        f"{host} did not accept the delivery after {policy.max_attempts} attempts; last: {last_problem}"
    )
