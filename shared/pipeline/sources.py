"""The registry of report sources: `reportType` → the object that fetches, aggregates and builds its document.

Sources are registered by name → `module:class` and imported when a report of that type is first asked for, so the
pipeline framework does not import its plugins (nor a function the reports it never runs). The clinical-trial weekly
and the report builder's saved `report` are registered here; another source adds one line."""

from __future__ import annotations

import importlib

from shared.errors import InvalidInput
from shared.pipeline.spec import ReportSource

SOURCE_CLASSES: dict[str, str] = {
    "clinical_weekly": "shared.trials.report:ClinicalWeekly",
    "report": "shared.reports.pipeline_source:SavedReport",
}


class LoadedSources(dict[str, ReportSource]):
    """report type → source, filled on first use from `SOURCE_CLASSES`; KeyError for an unknown type."""

    def __missing__(self, report_type: str) -> ReportSource:
        if report_type not in SOURCE_CLASSES:
            raise KeyError(report_type)
        module, _, class_name = SOURCE_CLASSES[report_type].partition(":")
        source: ReportSource = getattr(importlib.import_module(module), class_name)()
        self[report_type] = source
        return source


SOURCES = LoadedSources()


def register(source: ReportSource) -> None:
    SOURCES[source.report_type] = source


def source_for(report_type: str) -> ReportSource:
    """The source of a report type; an unknown type is a 400 naming the known ones."""
    try:
        return SOURCES[report_type]
    except KeyError:
        known = ", ".join(sorted({*SOURCE_CLASSES, *SOURCES}))
        raise InvalidInput(f"unknown reportType {report_type!r}; known report types: {known}") from None
