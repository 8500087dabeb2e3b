"""POSTing to a peer's URL with the channel contract's retry rules, shared by the webhook and Slack channels.

Retried: timeouts, connection failures, 408, 429 (honouring `Retry-After`) and every 5xx, with exponential backoff and
jitter, up to the policy's attempts; then `TransientError`. Anything else that is not 2xx (3xx included: redirects are
not followed) is a `PermanentError` at once, carrying the status and an excerpt of the peer's answer.

The host is resolved once per send and every address it resolves to must be public: a name that points inside the
network (or is re-pointed there after the URL was checked) is refused, and the send connects to the address checked,
with the host name kept for TLS (SNI and certificate) and the `Host` header, so DNS cannot move it in between.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import SplitResult, urlsplit

import urllib3
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared import clock
from shared.delivery.channel import ChannelReceipt
from shared.delivery.retry_budget import SEND_BUDGET_S
from shared.errors import PermanentError, TransientError
from shared.settings import get_settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
RETRYABLE_STATUSES = frozenset({408, 429})
EXCERPT_CHARS = 300

Resolver = Callable[[str, int], list[str]]
"""(host, port) -> the addresses it resolves to."""


def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver's addresses for `host` (IPv4 and IPv6)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


resolve: Resolver = resolve_host
"""The resolver sends use (a module attribute, so tests can stand in for DNS, which they cannot reach)."""


class RetryPolicy(BaseModel):
    """How long to wait for a peer and how often to try it, within one send. A caller may choose each value, but the
    worst case of the whole (`worst_case_s`) must fit `SEND_BUDGET_S`, so a send never outlives its function."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(8.0, gt=0, le=30, description="connect and read timeout of one attempt")
    max_attempts: int = Field(3, ge=1, le=10, description="attempts within one send, the first included")
    backoff_base_s: float = Field(0.5, ge=0, le=30, description="wait before the 2nd attempt; doubles each time")
    backoff_max_s: float = Field(4.0, ge=0, le=60, description="the longest wait between two attempts")
    max_retry_after_s: float = Field(
        20.0, ge=0, le=60, description="a longer Retry-After ends the send with TransientError (retried later)"
    )

    def worst_case_s(self) -> float:
        """The longest one send can take: every attempt times out connecting and then reading, and every wait is the
        longest allowed (a Retry-After up to `max_retry_after_s`, or the capped backoff)."""
        waits = sum(
            max(self.max_retry_after_s, min(self.backoff_max_s, self.backoff_base_s * 2 ** (n - 1)))
            for n in range(1, self.max_attempts)
        )
        return self.max_attempts * 2 * self.timeout_s + waits

    @model_validator(mode="after")
    def _fits_the_send_budget(self) -> RetryPolicy:
        worst = self.worst_case_s()
        if worst > SEND_BUDGET_S:
            raise ValueError(
                f"these retry settings can hold one send for {worst:.0f} s (attempts x 2 x timeout_s plus the waits), "
                f"beyond the {SEND_BUDGET_S} s a send may take within its function's timeout: lower max_attempts, "
                "timeout_s, backoff_max_s or max_retry_after_s"
            )
        return self


class HttpReceipt(ChannelReceipt):
    status: int
    attempts: int
    """HTTP attempts this send took (1 when the first was accepted)."""


@dataclass(frozen=True)
class PostOutcome:
    status: int
    attempts: int


def check_peer_host(host: str) -> str:
    """Refuse a peer host the platform must not reach, as written (its addresses are checked again at each send, by
    `pinned_address`): loopback outside the `local` stage, or a private, link-local or reserved address."""
    name = host.lower().strip("[]")
    if name in LOOPBACK_HOSTS:
        if get_settings().stage != "local":
            raise ValueError("127.0.0.1 and localhost are accepted only in the local stage (local runs and tests)")
        return host
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return host
    if not _allowed(address):
        raise ValueError("the host must not be a private, link-local, loopback or reserved address")
    return host


def check_peer_url(url: str, allowed_host_suffixes: tuple[str, ...] = ()) -> str:
    """Refuse a URL the platform must not call: not https, a private or link-local address, a host off the list.

    Loopback (127.0.0.1, localhost) is accepted, over http too, only in the `local` stage: for local runs and tests."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError("the URL must not carry credentials")
    check_peer_host(host)
    if host in LOOPBACK_HOSTS:
        if parts.scheme not in ("http", "https"):
            raise ValueError("the URL must be http(s)")
        return url
    if parts.scheme != "https":
        raise ValueError(
            "the URL must use https (plain http is accepted only for 127.0.0.1 or localhost, for local runs and tests)"
        )
    if allowed_host_suffixes and not any(host == s or host.endswith("." + s) for s in allowed_host_suffixes):
        raise ValueError(f"the URL's host must be one of {', '.join(allowed_host_suffixes)} (or a subdomain)")
    return url


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global or (address.is_loopback and get_settings().stage == "local")


def pinned_address(host: str, port: int) -> str:
    """The address a send to `host` connects to: the first it resolves to, provided every one is public (loopback too
    in the `local` stage). PermanentError naming the address otherwise; TransientError when it does not resolve."""
    try:
        addresses = [host] if _is_address(host) else resolve(host, port)
    except OSError as error:  # socket.gaierror: no such name, or no answer from DNS now
        raise TransientError(f"{host} did not resolve: {error}") from error
    found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]  # an IPv6 scope (%eth0) is not an address
    refused = [a for a in found if not _allowed(a)]
    if refused or not found:
        raise PermanentError(f"{host} resolves to {refused[0] if refused else 'no address'}: not a public address")
    return str(found[0])


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
    parts = urlsplit(url)
    with _pinned_pool(parts, policy) as pool:
        return _post(pool, parts, body, headers, policy, sleep)


def _pinned_pool(parts: SplitResult, policy: RetryPolicy) -> urllib3.HTTPConnectionPool:
    """A connection pool to the checked address of the URL's host, verifying TLS against the host name."""
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = pinned_address(host, port)
    timeout = urllib3.Timeout(connect=policy.timeout_s, read=policy.timeout_s)
    if parts.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1, server_hostname=host, assert_hostname=host
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)


def _post(
    pool: urllib3.HTTPConnectionPool,
    parts: SplitResult,
    body: bytes,
    headers: dict[str, str],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> PostOutcome:
    host = parts.netloc
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    last_problem = ""
    for attempt in range(1, policy.max_attempts + 1):
        wait: float | None = None
        try:
            response = pool.urlopen(
                "POST",
                target,
                body=body,
                headers={**headers, "Host": host, "X-Delivery-Attempt": str(attempt)},
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
