"""How a delivered artifact is named at its destination (S3 keys, SFTP file names)."""

from __future__ import annotations

import re
from datetime import datetime

from shared.delivery.channel import Artifact

KEY_FIELDS = ("report_type", "export_id", "date", "format", "file_name")
DEFAULT_KEY_PATTERN = "{report_type}/{date}/{export_id}.{format}"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_segment(value: str) -> str:
    """A path segment with only letters, digits, `.`, `_` and `-` (anything else becomes `-`)."""
    cleaned = _UNSAFE.sub("-", value).strip(".-")
    return cleaned or "report"


def file_name(artifact: Artifact) -> str:
    """`<report type>_<export id>.<format>`: unique per export, readable in a directory listing."""
    return f"{safe_segment(artifact.report_type)}_{safe_segment(artifact.export_id)}.{artifact.format}"


def render_key(pattern: str, artifact: Artifact, delivered_at: datetime) -> str:
    """Fill `pattern` (placeholders of `KEY_FIELDS`); `date` is the delivery's UTC date, `YYYY-MM-DD`."""
    return pattern.format(
        report_type=safe_segment(artifact.report_type),
        export_id=safe_segment(artifact.export_id),
        date=delivered_at.strftime("%Y-%m-%d"),
        format=artifact.format,
        file_name=file_name(artifact),
    )


def check_key_pattern(pattern: str) -> str:
    """Refuse a pattern with unknown placeholders, or without `{export_id}` or `{file_name}` (keys must be unique)."""
    names = set(re.findall(r"\{([^{}]*)\}", pattern))
    unknown = names - set(KEY_FIELDS)
    if unknown:
        raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; allowed: {', '.join(KEY_FIELDS)}")
    if not names & {"export_id", "file_name"}:
        raise ValueError("the key pattern must contain {export_id} or {file_name}, so each export gets its own key")
    if pattern.startswith("/") or "\\" in pattern:
        raise ValueError("the key pattern must not start with '/' nor hold a backslash")
    if any(segment in ("", ".", "..") for segment in pattern.split("/")):
        raise ValueError("the key pattern must not contain '..', '.' or empty segments ('//')")
    return pattern
