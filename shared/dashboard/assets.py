"""The built dashboard (`dashboard/dist`: `index.html` and `assets/*`), read for serving with the right headers.

Locally `dist` is the build output in the repository; in Lambda the code asset carries it at the same relative place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIST = Path(__file__).resolve().parents[2] / "dashboard" / "dist"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        # downloads follow the API's redirect to a presigned S3 URL (https in AWS, the local AWS on 127.0.0.1 here)
        "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)
"""Every script, style and font comes from the project's own origin; nothing is fetched from the internet."""

_ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Asset:
    body: str
    content_type: str
    headers: dict[str, str]


def page(dist: Path = DIST) -> Asset | None:
    """`index.html`, never cached (it names the hashed assets of the current build); None when not built."""
    return _read(dist / "index.html", {"cache-control": "no-cache", "content-security-policy": PAGE_POLICY})


def asset(name: str, dist: Path = DIST) -> Asset | None:
    """One file of `assets/` by its plain name (content-hashed, so cached for a year); None when there is none."""
    if not _ASSET_NAME.fullmatch(name) or ".." in name:
        return None
    return _read(dist / "assets" / name, {"cache-control": "public, max-age=31536000, immutable"})


@lru_cache(maxsize=64)
def _read_text(path: Path, modified_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def _read(path: Path, headers: dict[str, str]) -> Asset | None:
    if not path.is_file():
        return None
    content_type = CONTENT_TYPES.get(path.suffix)
    if content_type is None:
        return None
    body = _read_text(path, path.stat().st_mtime_ns)
    return Asset(body, content_type, {"x-content-type-options": "nosniff", **headers})
