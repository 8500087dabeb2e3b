"""The clinical-trial weekly summary (seed 001), as a report source: fetch, aggregate, build the document."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any, ClassVar, Literal

from shared import clock
from shared.api.caller import Caller
from shared.errors import Forbidden, InvalidInput, PermanentError
from shared.pipeline.spec import Access, JsonValue, ReportSpec
from shared.rendering.document import (
    Block,
    ChartBlock,
    ColumnSpec,
    Document,
    ImageBlock,
    ParagraphBlock,
    SummaryBlock,
    TableBlock,
)
from shared.subscriptions.models import ReportFilters
from shared.trials import store

NOTE_BYTES = 4000
"""At most this much of each text note is read and shown."""
MAX_IMAGES = 12
"""At most this many images are placed in the PDF (the rest are listed)."""

VISIT_COLUMNS = [
    ColumnSpec(key="plannedOn", title="Planned", kind="date"),
    ColumnSpec(key="visitId", title="Visit"),
    ColumnSpec(key="participantId", title="Participant"),
    ColumnSpec(key="siteId", title="Site"),
    ColumnSpec(key="status", title="Status"),
    ColumnSpec(key="doneOn", title="Done", kind="date"),
]
MEASUREMENT_COLUMNS = [
    ColumnSpec(key="takenOn", title="Date", kind="date"),
    ColumnSpec(key="participantId", title="Participant"),
    ColumnSpec(key="siteId", title="Site"),
    ColumnSpec(key="visitId", title="Visit"),
    ColumnSpec(key="kind", title="Measurement"),
    ColumnSpec(key="value", title="Value", kind="float"),
    ColumnSpec(key="unit", title="Unit"),
]
AE_COLUMNS = [
    ColumnSpec(key="onsetOn", title="Onset", kind="date"),
    ColumnSpec(key="participantId", title="Participant"),
    ColumnSpec(key="siteId", title="Site"),
    ColumnSpec(key="term", title="Term"),
    ColumnSpec(key="severity", title="Severity"),
    ColumnSpec(key="serious", title="Serious", kind="bool"),
    ColumnSpec(key="outcome", title="Outcome"),
]
SITE_COLUMNS = [
    ColumnSpec(key="siteId", title="Site"),
    ColumnSpec(key="name", title="Name"),
    ColumnSpec(key="participants", title="Participants", kind="int"),
    ColumnSpec(key="newThisPeriod", title="New this period", kind="int"),
    ColumnSpec(key="planned", title="Visits planned", kind="int"),
    ColumnSpec(key="done", title="Visits done", kind="int"),
    ColumnSpec(key="completion", title="Done %", kind="float"),
]
STAT_COLUMNS = [
    ColumnSpec(key="siteId", title="Site"),
    ColumnSpec(key="kind", title="Measurement"),
    ColumnSpec(key="n", title="n", kind="int"),
    ColumnSpec(key="mean", title="Mean", kind="float"),
    ColumnSpec(key="sd", title="SD", kind="float"),
    ColumnSpec(key="min", title="Min", kind="float"),
    ColumnSpec(key="max", title="Max", kind="float"),
    ColumnSpec(key="unit", title="Unit"),
]


def _access(filters: ReportFilters) -> Access:
    return Access(filters=filters, title=f"Weekly clinical trial summary: {filters.trialId}")


class ClinicalWeekly:
    report_type: ClassVar[str] = "clinical_weekly"
    aggregates: ClassVar[bool] = True

    def check_access(self, caller: Caller, report_id: str | None, filters: ReportFilters) -> Access:
        """A user receives reports of the trials they are enrolled in; an admin those of any trial of the tenant."""
        trial_id = filters.trialId
        if trial_id is None:
            trials = (
                store.trials_of_tenant(caller.tenant)
                if caller.is_admin
                else store.trials_of_member(caller.tenant, caller.sub)
            )
            if not trials:
                raise Forbidden("you are not enrolled in any clinical trial, so there is no trial report to receive")
            if len(trials) > 1:
                raise InvalidInput(f"give filters.trialId: you may receive reports of {', '.join(sorted(trials))}")
            return _access(filters.model_copy(update={"trialId": trials[0]}))
        if not caller.is_admin and not store.is_member(caller.tenant, trial_id, caller.sub):
            raise Forbidden(f"you are not enrolled in trial {trial_id}, so you may not receive its reports")
        if store.get_trial(caller.tenant, trial_id) is None:
            raise InvalidInput(f"there is no trial {trial_id!r} in your tenant")
        return _access(filters)

    def fetch(self, spec: ReportSpec) -> JsonValue:
        trial_id = spec.filters.trialId
        if not trial_id:
            raise PermanentError("the subscription names no trial")
        trial = store.get_trial(spec.tenantId, trial_id)
        if trial is None:
            raise PermanentError(f"trial {trial_id} no longer exists")
        first, last = spec.period.start.isoformat(), spec.period.end.isoformat()
        files = [
            f
            for f in store.files_between(spec.tenantId, trial_id, first, last)
            if f["fileType"] in spec.filters.fileTypes
        ]
        for meta in files:
            if meta["fileType"] == "txt":
                meta["text"] = store.read_file(meta["key"], NOTE_BYTES).decode("utf-8", "replace")
        return {
            "trial": trial,
            "period": {"start": first, "end": last},
            "sites": store.records(spec.tenantId, trial_id, "site"),
            "participants": store.records(spec.tenantId, trial_id, "participant"),
            "visits": store.records_between(spec.tenantId, trial_id, "visit", first, last),
            "measurements": store.records_between(spec.tenantId, trial_id, "measurement", first, last),
            "adverseEvents": store.records_between(spec.tenantId, trial_id, "ae", first, last),
            "files": files,
        }

    def aggregate(self, spec: ReportSpec, fetched: JsonValue) -> JsonValue:
        period = fetched["period"]
        sites = {s["siteId"]: s for s in fetched["sites"]}
        enrolled = [p for p in fetched["participants"] if p["enrolledOn"] <= period["end"]]
        per_site: dict[str, dict[str, Any]] = {
            sid: {"siteId": sid, "name": s["name"], "participants": 0, "newThisPeriod": 0, "planned": 0, "done": 0}
            for sid, s in sites.items()
        }
        for participant in enrolled:
            row = per_site[participant["siteId"]]
            row["participants"] += 1
            row["newThisPeriod"] += int(participant["enrolledOn"] >= period["start"])
        for visit in fetched["visits"]:
            row = per_site[visit["siteId"]]
            row["planned"] += 1
            row["done"] += int(visit["status"] == "done")
        for row in per_site.values():
            row["completion"] = round(100.0 * row["done"] / row["planned"], 1) if row["planned"] else 0.0
        values: dict[tuple[str, str], list[float]] = defaultdict(list)
        units: dict[str, str] = {}
        for m in fetched["measurements"]:
            values[(m["siteId"], m["kind"])].append(float(m["value"]))
            units[m["kind"]] = m["unit"]
        stats = [
            {
                "siteId": site,
                "kind": kind,
                "n": len(vals),
                "mean": round(statistics.fmean(vals), 1),
                "sd": round(statistics.stdev(vals), 1) if len(vals) > 1 else 0.0,
                "min": min(vals),
                "max": max(vals),
                "unit": units[kind],
            }
            for (site, kind), vals in sorted(values.items())
        ]
        events = sorted(fetched["adverseEvents"], key=lambda e: (e["onsetOn"], e["participantId"]))
        severity = Counter(e["severity"] for e in events)
        planned = sum(r["planned"] for r in per_site.values())
        done = sum(r["done"] for r in per_site.values())
        files = fetched["files"]
        return {
            "trial": {"trialId": fetched["trial"]["trialId"], "name": fetched["trial"]["name"]},
            "period": period,
            "keyFigures": [
                ["Participants enrolled", str(len(enrolled))],
                ["New this period", str(sum(r["newThisPeriod"] for r in per_site.values()))],
                ["Visits done / planned", f"{done} / {planned}"],
                ["Visit completion", f"{(100.0 * done / planned) if planned else 0.0:.1f}%"],
                ["Measurements", str(len(fetched["measurements"]))],
                ["Adverse events", str(len(events))],
                ["Serious adverse events", str(sum(1 for e in events if e.get("serious")))],
                ["By severity", ", ".join(f"{k} {severity[k]}" for k in ("mild", "moderate", "severe"))],
                ["Related files", str(len(files))],
            ],
            "sites": list(per_site.values()),
            "measurementStats": stats,
            "visits": sorted(fetched["visits"], key=lambda v: (v["plannedOn"], v["visitId"])),
            "measurements": sorted(
                fetched["measurements"], key=lambda m: (m["takenOn"], m["participantId"], m["kind"])
            ),
            "adverseEvents": events,
            "notes": [
                {"title": f["title"], "capturedOn": f["capturedOn"], "text": f.get("text", "")}
                for f in files
                if f["fileType"] == "txt"
            ],
            "images": [
                {"title": f["title"], "capturedOn": f["capturedOn"], "key": f["key"]}
                for f in files
                if f["fileType"] in ("png", "jpg")
            ],
            "otherFiles": [
                {"title": f["title"], "capturedOn": f["capturedOn"], "key": f["key"]}
                for f in files
                if f["fileType"] == "pdf"
            ],
        }

    def build_document(
        self, spec: ReportSpec, aggregated: JsonValue, purpose: Literal["pdf", "csv", "xlsx"]
    ) -> Document:
        limit = spec.rowLimit
        measurements = _table("Measurements", MEASUREMENT_COLUMNS, aggregated["measurements"], limit)
        document = Document(
            title=spec.title,
            subtitle=f"{aggregated['trial']['name']} - {spec.period.label}",
            generated_at=clock.now(),
            locale=spec.locale,
            metadata={
                "Trial": aggregated["trial"]["trialId"],
                "Period": spec.period.label,
                "Sites": str(len(aggregated["sites"])),
                "File types": ", ".join(spec.filters.fileTypes),
                "Prepared for": spec.ownerId,
                "Row limit": str(limit),
            },
        )
        if purpose == "csv":
            document.blocks = [measurements]
            return document
        sites = _table("Enrolment and visits by site", SITE_COLUMNS, aggregated["sites"], limit)
        stats = _table("Measurement statistics by site", STAT_COLUMNS, aggregated["measurementStats"], limit)
        events = _table("Adverse events", AE_COLUMNS, aggregated["adverseEvents"], limit)
        visits = _table("Visits", VISIT_COLUMNS, aggregated["visits"], limit)
        if purpose == "xlsx":
            document.blocks = [sites, stats, events, visits, measurements]
            return document
        blocks: list[Block] = [
            SummaryBlock(title="Key figures", items=[(k, v) for k, v in aggregated["keyFigures"]]),
            ChartBlock(
                title="Visits planned and done by site",
                labels=[s["siteId"] for s in aggregated["sites"]],
                series={
                    "planned": [float(s["planned"]) for s in aggregated["sites"]],
                    "done": [float(s["done"]) for s in aggregated["sites"]],
                },
            ),
            sites,
            stats,
            events,
            visits,
        ]
        for note in aggregated["notes"]:
            blocks.append(ParagraphBlock(heading=f"{note['title']} ({note['capturedOn']})", text=note["text"]))
        for image in aggregated["images"][:MAX_IMAGES]:
            blocks.append(
                ImageBlock(title=f"{image['title']} ({image['capturedOn']})", data=store.read_file(image["key"]))
            )
        listed = aggregated["images"][MAX_IMAGES:] + aggregated["otherFiles"]
        if listed:
            blocks.append(
                ParagraphBlock(
                    heading="Further related files",
                    text="\n".join(f"{f['capturedOn']}  {f['title']}  ({f['key'].rsplit('/', 1)[-1]})" for f in listed),
                )
            )
        document.blocks = blocks
        return document


def _table(title: str, columns: list[ColumnSpec], rows: list[dict[str, Any]], limit: int) -> TableBlock:
    return TableBlock(title=title, columns=columns, rows=rows, row_limit=limit, total_rows=len(rows))
