"""The dashboard page as the `dashboard-api` function serves it, through the local HTTP API: public, self-contained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from local.runtime import LocalRuntime
from shared.dashboard.assets import DIST, asset, page
from tests.support.api_client import ApiClient


@pytest.fixture
def anonymous(clean: LocalRuntime) -> ApiClient:
    if not (DIST / "index.html").is_file():
        pytest.fail(f"the dashboard is not built in {DIST}: run `make dashboard`")
    return ApiClient(clean.url)


def test_the_page_and_every_asset_it_names_are_served_without_a_token(anonymous: ApiClient) -> None:
    reply = anonymous.get("/")
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert reply.headers["cache-control"] == "no-cache"
    policy = reply.headers["content-security-policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "font-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    html = reply.body.decode()
    named = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
    assert len(named) == 2
    for path in named:
        served = anonymous.get(path)
        assert served.status == 200, path
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-type"].startswith(("text/javascript", "text/css"))


def test_nothing_in_the_page_points_outside_the_project(anonymous: ApiClient) -> None:
    html = anonymous.get("/").body.decode()
    for path in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert path.startswith(("/assets/", "data:", "#")), path  # "#": a link within the page (skip link)
    script = anonymous.get(re.findall(r'src="(/assets/[^"]+)"', html)[0]).body.decode()
    assert not re.search(r"""(?:import|from)\s*["']https?://""", script)


@pytest.mark.parametrize("path", ["/assets/missing.js", "/assets/..%2Findex.html", "/assets/.hidden.js"])
def test_unknown_or_escaping_asset_names_answer_404(anonymous: ApiClient, path: str) -> None:
    assert anonymous.get(path).status == 404


def test_the_api_still_wants_a_token_next_to_the_page(anonymous: ApiClient) -> None:
    assert anonymous.get("/api/subscriptions").status == 401
    assert anonymous.get("/api/openapi.json").status == 200


def test_an_unbuilt_dashboard_is_reported_not_served(tmp_path: Path) -> None:
    assert page(tmp_path) is None
    assert asset("main.js", tmp_path) is None
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "main-ABC.js").write_text("console.log(1)")
    (tmp_path / "assets" / "notes.txt").write_text("not a served type")
    served = asset("main-ABC.js", tmp_path)
    assert served is not None
    assert served.body == "console.log(1)"
    assert asset("notes.txt", tmp_path) is None
    assert asset("../index.html", tmp_path) is None
