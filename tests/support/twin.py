"""Helpers for tests of the strict twin itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from local import iam


@contextmanager
def expect_denied() -> Iterator[list[tuple[str, str, str]]]:
    """The body is expected to be refused by IAM: the refusals it caused are handed over (not failed by the
    `no_access_denied` fixture)."""
    before = len(iam.usage.denied)
    taken: list[tuple[str, str, str]] = []
    try:
        yield taken
    finally:
        taken.extend(iam.usage.denied[before:])
        del iam.usage.denied[before:]
