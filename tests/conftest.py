"""Shared fixtures: one local runtime (moto server + HTTP API) per test session, emptied before each test that asks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Code the tests call outside a function runs as on the laptop; a function sees only its own environment (the twin).
os.environ.setdefault("STAGE", "local")
os.environ.setdefault("LOCAL_STATE_DIR", os.path.join(os.path.dirname(__file__), "..", ".local", "test-state"))

from local import iam
from local.auth import mint_token
from local.runtime import LocalRuntime
from shared import clock
from tests.support.api_client import ApiClient
from tests.support.loopback_only import loopback_only

TokenFactory = Callable[..., str]


@pytest.fixture(scope="session", autouse=True)
def no_network_beyond_loopback() -> Iterator[None]:
    with loopback_only():
        yield


@pytest.fixture(autouse=True)
def no_access_denied() -> Iterator[None]:
    """The strict twin: a call some function's IAM policy refuses fails the test that caused it, even when the
    handler caught the AccessDenied (a test that expects one takes it with `tests.support.twin.expect_denied`)."""
    before = len(iam.usage.denied)
    yield
    denied = iam.usage.denied[before:]
    if denied:
        lines = "\n".join(f"  {principal}: {action} on {resource}" for principal, action, resource in denied)
        pytest.fail(f"the synthesized IAM policy refused calls this test made:\n{lines}", pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Least privilege: the granted actions no handler used while these tests ran (written to .local/ too)."""
    if not iam.usage.allowed:
        return
    report = iam.write_usage_report()
    unused = report["unused"]
    terminalreporter.section("local twin: granted actions no call used (least privilege)")
    for principal, actions in sorted(unused.items()):
        terminalreporter.write_line(f"{principal}: {', '.join(actions)}")


@pytest.fixture(scope="session")
def runtime() -> Iterator[LocalRuntime]:
    local = LocalRuntime(port=0).start()
    yield local
    local.stop()


@pytest.fixture
def clean(runtime: LocalRuntime) -> Iterator[LocalRuntime]:
    """The local runtime with every resource empty and the clock running."""
    runtime.reset()
    clock.set_now(None)
    yield runtime
    clock.set_now(None)


@pytest.fixture
def token() -> TokenFactory:
    def make(tenant: str = "acme", sub: str = "alice", role: str = "user", **kwargs: object) -> str:
        return mint_token(tenant, sub, [role], **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def api(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    """A client of the local HTTP API carrying an admin token of tenant `acme` (with the platform's
    `notifications:send` scope, so notification tests can send)."""
    return ApiClient(clean.url, token=token(role="admin", sub="admin-1", scopes=["notifications:send"]))
