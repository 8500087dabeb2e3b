"""The browser side of the e2e tests: Debian's Chromium driven headless by Playwright against the local runtime.

`make test` builds the page (`make dashboard`) and installs Chromium (`make chromium`) first; a missing one fails here
with the command to run, it is never skipped."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from local.runtime import LocalRuntime
from shared.dashboard.assets import DIST

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).resolve().parents[2] / "dashboard" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core, installed from npm with the dashboard's build dependencies (`make dashboard`), injected from disk."""
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Per module, so Playwright's event loop is gone before later tests (asyncssh's `asyncio.run`) need theirs."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make chromium` (apt-get install chromium, as root)")
    if not (DIST / "index.html").is_file():
        pytest.fail(f"the dashboard is not built in {DIST}: run `make dashboard`")
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
    yield chromium
    chromium.close()


@dataclass
class Visit:
    """One browser tab on the local runtime, recording what a test must never see: script errors, foreign requests
    (the local runtime's API and its local AWS, where a download's presigned URL points, are the project's own)."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def open(self, path: str = "/") -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '-', name)}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def assert_accessible(self, state: str) -> None:
        """axe-core finds no serious or critical violation in the page as it is now (`state` names it)."""
        if not AXE.is_file():
            pytest.fail(f"no axe-core at {AXE}: run `make dashboard` (npm ci)")
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)"
        )
        assert result == [], f"axe-core, {state}: {result}"

    def assert_fits_width(self, state: str) -> None:
        """Nothing makes the page scroll sideways (tables scroll inside their own box)."""
        widths = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{state}: the page is {widths[0]} px wide in a {widths[1]} px viewport"

    def assert_clean(self) -> None:
        assert self.errors == [], f"the page raised: {self.errors}"
        assert self.foreign_requests == [], f"the page fetched from outside the project: {self.foreign_requests}"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def visit(clean: LocalRuntime, context: BrowserContext) -> Iterator[Visit]:
    page = context.new_page()
    seen = Visit(page, clean.url)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((clean.url, clean.aws.endpoint, "data:", "blob:"))
            else seen.foreign_requests.append(request.url)
        ),
    )
    yield seen
    page.close()


@pytest.fixture
def admin_token(token: Callable[..., str]) -> str:
    return token(role="admin", sub="admin-1")
