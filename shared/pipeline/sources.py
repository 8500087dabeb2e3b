"""The registry of report sources: `reportType` → the object that fetches, aggregates and builds its document.

The clinical-trial weekly is registered here; the report builder adds its `report` source with one `register` line."""

from __future__ import annotations

from shared.errors import InvalidInput
from shared.pipeline.spec import ReportSource
from shared.reports.pipeline_source import SavedReport
from shared.trials.report import ClinicalWeekly

SOURCES: dict[str, ReportSource] = {}


def register(source: ReportSource) -> None:
    SOURCES[source.report_type] = source


def source_for(report_type: str) -> ReportSource:
    """The source of a report type; an unknown type is a 400 naming the known ones."""
    try:
        return SOURCES[report_type]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise InvalidInput(f"unknown reportType {report_type!r}; known report types: {known}") from None


register(ClinicalWeekly())
register(SavedReport())
