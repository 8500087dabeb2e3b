"""The query DSL: a report's query as JSON, its pydantic shape, and the structural errors named by their path.

Which names and values are allowed is the field catalog's business (`shared.reports.validation`); this module only
fixes the shape: every name is a plain string here and is checked against the catalog before any SQL is written.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictInt, ValidationError, model_validator

DEFAULT_ROW_LIMIT = 10_000
MAX_ROW_LIMIT = 100_000
MAX_ITEMS = 50
"""At most this many fields, filters, groups, aggregations or orderings in one query."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnRef(_Part):
    """A selected or grouped field, optionally truncated to a time granularity and renamed."""

    field: str = Field(max_length=200)
    granularity: str | None = Field(None, max_length=200)
    alias: str | None = Field(None, max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"field": value} if isinstance(value, str) else value


class Filter(_Part):
    field: str = Field(max_length=200)
    op: str = Field(max_length=200)
    value: JsonValue = None


class Aggregation(_Part):
    fn: str = Field(max_length=200)
    field: str | None = Field(None, max_length=200)
    """None only for `count` (every row)."""
    alias: str | None = Field(None, max_length=200)


class OrderBy(_Part):
    field: str = Field(max_length=200)
    """An output column (a field or an alias); for queries without aggregation, any field of the table."""
    direction: str = Field("asc", max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"field": value} if isinstance(value, str) else value


class QuerySpec(_Part):
    """A report's query. Without `aggregations` and `group_by` it lists rows (`fields`, or every field when empty);
    otherwise each output row is one group: the `group_by` columns followed by the `aggregations`."""

    table: str = Field(max_length=200)
    fields: list[ColumnRef] = Field(default_factory=list, max_length=MAX_ITEMS)
    filters: list[Filter] = Field(default_factory=list, max_length=MAX_ITEMS)
    group_by: list[ColumnRef] = Field(default_factory=list, max_length=MAX_ITEMS)
    aggregations: list[Aggregation] = Field(default_factory=list, max_length=MAX_ITEMS)
    order_by: list[OrderBy] = Field(default_factory=list, max_length=MAX_ITEMS)
    limit: StrictInt = DEFAULT_ROW_LIMIT

    @property
    def aggregated(self) -> bool:
        return bool(self.group_by or self.aggregations)


def path_of(location: tuple[int | str, ...]) -> str:
    """`("filters", 1, "field")` → `filters[1].field`."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "query"


def parse_query(raw: Any) -> tuple[QuerySpec | None, list[str]]:
    """The query's shape, or the structural errors, each as `path: problem`."""
    if not isinstance(raw, dict):
        return None, ["query: must be a JSON object"]
    try:
        return QuerySpec.model_validate(raw), []
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False, include_input=False):
            location = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problems.append(f"{path_of(location)}: {_plain(item['type'], item['msg'])}")
        return None, problems


def _plain(kind: str, message: str) -> str:
    if kind == "extra_forbidden":
        return "not a known part of a query"
    if kind == "missing":
        return "required"
    return message[:1].lower() + message[1:]
