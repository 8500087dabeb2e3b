"""Counted progress for long local work: `[3/7] loading notifications ... 120/500`."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


class Steps:
    """Prints each named step of a multi-step job with its number and, when done, how long it took."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stdout

    def step(self, name: str) -> None:
        self.done += 1
        print(f"[{self.done}/{self.total}] {name}", file=self.stream, flush=True)


def counted(
    items: Iterable[T], label: str, total: int, stream: TextIO | None = None, every: float = 0.5
) -> Iterator[T]:
    """Yields `items`, printing `label n/total` at most every `every` seconds and once at the end."""
    out = stream or sys.stdout
    last = 0.0
    for count, item in enumerate(items, start=1):
        yield item
        now = time.monotonic()
        if now - last >= every or count == total:
            last = now
            print(f"    {label} {count}/{total}", file=out, flush=True)
