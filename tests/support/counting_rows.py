"""A row source that counts how many rows a renderer pulled from it (to prove rows are streamed, not slurped)."""

from __future__ import annotations

from collections.abc import Iterator

from shared.rendering.document import Cell
from shared.rendering.specimen import visit_rows


class CountingRows:
    def __init__(self, available: int) -> None:
        self.available = available
        self.consumed = 0

    def __iter__(self) -> Iterator[dict[str, Cell]]:
        for row in visit_rows(self.available):
            self.consumed += 1
            yield row
