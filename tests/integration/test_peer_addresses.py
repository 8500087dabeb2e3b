"""Webhook and Slack sends resolve the peer's host once, refuse a name that resolves inside the network, and connect to
the address they checked with TLS verified against the host name. DNS is stood in for (tests reach no resolver);
the peer is a real HTTPS receiver on 127.0.0.1 with a certificate from a throwaway authority."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local.delivery_demo import delivery_context, describe_artifact
from local.peers import HttpPeer, Reply
from shared.delivery.channels import http_post
from shared.delivery.channels.webhook import WebhookChannel
from shared.errors import PermanentError, TransientError
from shared.settings import reset_settings
from tests.support.tls import ThrowawayAuthority, authority_for

HOST = "hooks.example.test"
SECRET = "s3cret-for-this-subscription"
FAST = {"backoff_base_s": 0.01, "backoff_max_s": 0.05, "timeout_s": 2}


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ThrowawayAuthority:
    made = authority_for(tmp_path, HOST)
    monkeypatch.setenv("SSL_CERT_FILE", str(made.ca_file))  # what the sender's default TLS context trusts
    return made


@pytest.fixture
def tls_peer(authority: ThrowawayAuthority) -> Iterator[HttpPeer]:
    with HttpPeer(tls=authority.server) as running:
        running.expect_secret("/hook", SECRET)
        yield running


def resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """Stand in for DNS: every name resolves to `addresses`; returns the names looked up, in order."""
    looked_up: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return list(addresses)

    monkeypatch.setattr(http_post, "resolve", resolve)
    return looked_up


def send(peer: HttpPeer, host: str = HOST, **retry: float) -> http_post.HttpReceipt:
    config = {"url": f"https://{host}:{peer.port}/hook?tenant=acme", "secret": SECRET, "retry": {**FAST, **retry}}
    artifact = describe_artifact("exp-1", size_bytes=10, title="Weekly", report_type="PERFORMANCE_REPORT", period="w")
    receipt: http_post.HttpReceipt = WebhookChannel().send(delivery_context("webhook", config, "dlv-1"), [artifact])
    return receipt


def test_a_host_name_is_resolved_once_per_send_and_its_checked_address_is_the_one_connected_to(
    tls_peer: HttpPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up = resolving_to(monkeypatch, "127.0.0.1")  # loopback: allowed in the local stage only
    tls_peer.script(Reply(503), Reply(200))
    receipt = send(tls_peer)
    assert (receipt.status, receipt.attempts) == (200, 2)
    assert looked_up == [HOST], "one look-up for the whole send: a re-pointed name cannot move its retries"
    first, second = tls_peer.requests
    assert first.headers["host"] == second.headers["host"] == f"{HOST}:{tls_peer.port}"
    assert (first.path, first.query) == ("/hook", "tenant=acme")
    assert second.signature_valid is True


def test_a_certificate_for_another_name_is_not_trusted(tls_peer: HttpPeer, monkeypatch: pytest.MonkeyPatch) -> None:
    resolving_to(monkeypatch, "127.0.0.1")
    with pytest.raises(TransientError, match=r"SSLError: hostname 'other\.example\.test' doesn't match"):
        send(tls_peer, host="other.example.test", max_attempts=1)
    assert tls_peer.requests == []


@pytest.mark.parametrize(
    "addresses",
    [
        ("10.0.0.7",),  # the VPC
        ("169.254.169.254",),  # instance metadata
        ("93.184.216.34", "192.168.1.20"),  # one public, one private: refused (either could be the one connected to)
        ("fd00::7",),  # IPv6 unique local
        ("::ffff:10.0.0.7",),  # IPv4-mapped private
    ],
)
def test_a_name_resolving_inside_the_network_is_refused_without_a_connection(
    tls_peer: HttpPeer, monkeypatch: pytest.MonkeyPatch, addresses: tuple[str, ...]
) -> None:
    resolving_to(monkeypatch, *addresses)
    with pytest.raises(PermanentError, match="not a public address"):
        send(tls_peer)
    assert tls_peer.requests == []


def test_loopback_is_refused_outside_the_local_stage(tls_peer: HttpPeer, monkeypatch: pytest.MonkeyPatch) -> None:
    resolving_to(monkeypatch, "127.0.0.1")
    monkeypatch.setenv("STAGE", "prod")
    reset_settings()
    try:
        with pytest.raises(PermanentError, match=r"resolves to 127\.0\.0\.1: not a public address"):
            http_post.post_with_retries(f"https://{HOST}:{tls_peer.port}/hook", b"{}", {}, http_post.RetryPolicy())
    finally:
        monkeypatch.delenv("STAGE")
        reset_settings()
    assert tls_peer.requests == []


def test_a_name_that_does_not_resolve_now_is_a_transient_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_answer(host: str, port: int) -> list[str]:
        raise OSError(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(http_post, "resolve", no_answer)
    with pytest.raises(TransientError, match=f"{HOST} did not resolve"):
        http_post.post_with_retries(f"https://{HOST}/hook", b"{}", {}, http_post.RetryPolicy())


def test_a_public_address_is_the_one_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    resolving_to(monkeypatch, "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    assert http_post.pinned_address(HOST, 443) == "93.184.216.34"
    resolving_to(monkeypatch, "fe80::1%eth0")
    with pytest.raises(PermanentError, match="fe80::1"):
        http_post.pinned_address(HOST, 443)
