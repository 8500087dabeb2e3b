"""A report's title as a file name (attachments, downloads), in any script."""

from __future__ import annotations

import re

UNSAFE_IN_FILE_NAME = re.compile(r'[\s\\/:*?"<>|\x00-\x1f\x7f]+')
"""Whitespace, path separators and the characters file systems refuse; any other character (Łódź, 東京) stays: a mail
carries a non-ASCII file name RFC 2231-encoded (`filename*=utf-8''...`), a download as RFC 6266 `filename*`."""


def file_stem(title: str) -> str:
    """`title` as a file name without extension: unsafe characters become "_", at most 80 characters."""
    return UNSAFE_IN_FILE_NAME.sub("_", title).strip("._")[:80] or "report"
