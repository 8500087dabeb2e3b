"""The format-neutral description of a report that every renderer takes. Producers (the clinical-trial weekly, the
report builder's exports) build a `Document`; `shared.rendering.pdf`, `.csv_writer` and `.xlsx` turn it into bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CellKind = Literal["text", "int", "float", "date", "datetime", "bool"]
Cell = str | int | float | bool | date | datetime | None


class ColumnSpec(BaseModel):
    key: str
    title: str
    kind: CellKind = "text"


class TableBlock(BaseModel):
    """A table whose rows may be a generator (streamed once): renderers never hold more than a page of it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: Literal["table"] = "table"
    title: str
    columns: list[ColumnSpec]
    rows: Iterable[Mapping[str, Cell]]
    row_limit: int | None = None
    """When set, at most this many rows are rendered and the document says that the limit was hit."""
    total_rows: int | None = None
    """The number of rows before the limit, when known (stated in the truncation notice)."""


class ChartBlock(BaseModel):
    kind: Literal["chart"] = "chart"
    title: str
    chart: Literal["bar", "line"] = "bar"
    labels: list[str]
    series: dict[str, list[float]]
    """Series name → one value per label."""


class ParagraphBlock(BaseModel):
    kind: Literal["paragraph"] = "paragraph"
    text: str
    heading: str | None = None


class SummaryBlock(BaseModel):
    """Label/value pairs shown as a two-column key figure table."""

    kind: Literal["summary"] = "summary"
    title: str
    items: list[tuple[str, str]]


class ImageBlock(BaseModel):
    kind: Literal["image"] = "image"
    title: str
    data: bytes
    """PNG or JPEG bytes, scaled to fit the page width."""


Block = TableBlock | ChartBlock | ParagraphBlock | SummaryBlock | ImageBlock


class Document(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    title: str
    subtitle: str | None = None
    generated_at: datetime
    metadata: dict[str, str] = Field(default_factory=dict)
    """Shown on the title page (period, filters, tenant ...)."""
    blocks: list[Block] = Field(default_factory=list)
    locale: str | None = None
    """The report locale for numbers and dates (`pl`, `de-DE`, ...; `shared.rendering.locale`); None: "1,234.50" and
    ISO dates. Also the PDF's language."""

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        from shared.rendering.locale import locale_field  # Babel only where a locale is used

        return locale_field(value)

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]


class RenderResult(BaseModel):
    content_type: str
    size_bytes: int
    rows_written: int
    truncated: bool
    pages: int | None = None


def as_cell(value: Any) -> Cell:
    """Coerce a query value into a cell the renderers understand."""
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        return value
    return str(value)
