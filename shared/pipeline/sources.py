"""The registry of report sources: `reportType` → the object that fetches, aggregates and builds its document.

Sources are registered by name → `module:class` and imported when a report of that type is first asked for, so the
pipeline framework does not import its plugins (nor a function the reports it never runs). The clinical-trial weekly
and the report builder's saved `report` are registered here; another source adds one line."""

from __future__ import annotations

from shared.errors import InvalidInput
from shared.pipeline.spec import ReportSource
from shared.plugins import LazyRegistry

SOURCE_CLASSES: dict[str, str] = {
    "clinical_weekly": "shared.trials.report:ClinicalWeekly",
    "report": "shared.reports.pipeline_source:SavedReport",
}


SOURCES: LazyRegistry[ReportSource] = LazyRegistry(SOURCE_CLASSES)


def register(source: ReportSource) -> None:
    SOURCES[source.report_type] = source


def source_for(report_type: str) -> ReportSource:
    """The source of a report type; an unknown type is a 400 naming the known ones."""
    try:
        return SOURCES[report_type]
    except KeyError:
        known = ", ".join(sorted({*SOURCE_CLASSES, *SOURCES}))
        raise InvalidInput(f"unknown reportType {report_type!r}; known report types: {known}") from None
