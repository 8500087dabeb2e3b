"""Saved reports (seed 004's `reports` table) and the replies of the report builder's routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from shared.rendering.document import CellKind
from shared.reports.dsl import MAX_ROW_LIMIT


class Visualization(BaseModel):
    """A chart of the query's rows: `x` labels the bars or points, each `y` column is a series (summed per label);
    with `series_by`, one series per value of that column instead (then exactly one `y`)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["bar", "line"] = "bar"
    x: str = Field(max_length=63)
    y: list[str] = Field(min_length=1, max_length=5)
    series_by: str | None = Field(None, max_length=63)
    title: str | None = Field(None, max_length=200)


class ReportIn(BaseModel):
    """What a client sends to create or replace a report (the tenant and the author come from the token)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    query: dict[str, Any] = Field(description="The query DSL (see GET /api/reports/tables for the fields)")
    visualization: Visualization | None = None
    row_limit: StrictInt | None = Field(None, ge=1, le=MAX_ROW_LIMIT, description="Default: the query's limit")
    is_public: bool = False
    tags: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("tags")
    @classmethod
    def _short_tags(cls, tags: list[str]) -> list[str]:
        cleaned = [t.strip() for t in tags]
        if any(not t or len(t) > 50 for t in cleaned):
            raise ValueError("each tag must be 1 to 50 characters")
        return list(dict.fromkeys(cleaned))


class Report(BaseModel):
    id: str
    tenant_id: str
    name: str
    description: str | None = None
    query: dict[str, Any]
    visualization: Visualization | None = None
    row_limit: int
    is_public: bool
    tags: list[str]
    created_by: str
    created_at: str
    updated_at: str
    version: int


class ReportPage(BaseModel):
    items: list[Report]
    next_cursor: str | None = None


class ColumnOut(BaseModel):
    name: str
    label: str
    kind: CellKind


class PreviewPage(BaseModel):
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    next_cursor: str | None = None
    """Opaque; pass it back as `cursor` for the next page. None: no further rows (within the report's row limit)."""
    row_limit: int
    files_read: int


class QueryCheck(BaseModel):
    valid: bool
    errors: list[str]
    """Each error starts with the path of the offending part: `filters[1].field: unknown field 'x' ...`."""
    columns: list[ColumnOut] = Field(default_factory=list)


class FieldOut(BaseModel):
    name: str
    type: str
    label: str
    description: str
    operators: list[str]
    aggregations: list[str]
    groupable: bool
    granularities: list[str]


class TableOut(BaseModel):
    name: str
    label: str
    description: str
    time_field: str
    fields: list[FieldOut]


class TablesReply(BaseModel):
    tables: list[TableOut]
    default_row_limit: int
    max_row_limit: int
