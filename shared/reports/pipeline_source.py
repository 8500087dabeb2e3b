"""The report builder's `report` source of the pipeline: a saved report run through the query engine at the job's
slot time. Fetch stores the report and its limited rows (the pipeline keeps them in S3 between steps, keys only in the
state); the document is rebuilt from them for each format."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from shared.api.caller import Caller
from shared.errors import InvalidInput, NotFound, PermanentError
from shared.pipeline.spec import Access, JsonValue, ReportSpec
from shared.rendering.document import CellKind, Document
from shared.reports import logic, store
from shared.reports.models import Report
from shared.reports.runner import json_value
from shared.reports.source import document_of, run_report
from shared.reports.validation import QueryInvalid, resolve
from shared.subscriptions.models import ReportFilters


class SavedReport:
    """`reportType: "report"` with the `reportId` of a saved report. The rows are cut only at the report's own limit
    (min of its `row_limit` and its query's `limit`), never at the pipeline's `REPORT_ROW_LIMIT`."""

    report_type: ClassVar[str] = "report"
    aggregates: ClassVar[bool] = False

    def check_access(self, caller: Caller, report_id: str | None, filters: ReportFilters) -> Access:
        """The caller may read the report (own, public, or admin); another tenant's or a private one is a 404."""
        if not report_id:
            raise InvalidInput("reportType 'report' needs the reportId of a saved report")
        return Access(filters=filters, title=logic.get(caller, report_id).name)

    def fetch(self, spec: ReportSpec) -> JsonValue:
        if not spec.reportId:
            raise PermanentError("the job names no saved report")
        try:
            report = store.get(spec.tenantId, spec.reportId)
            _, data = run_report(report, spec.tenantId, spec.scheduledFor)
        except NotFound:
            raise PermanentError(f"report {spec.reportId} no longer exists") from None
        except QueryInvalid as error:
            raise PermanentError(f"report {spec.reportId} has an invalid query: {error}") from None
        return {
            "report": report.model_dump(mode="json"),
            "rows": [{k: json_value(v) for k, v in row.items()} for row in data.rows],
            "totalRows": data.total_rows,
            "rowLimit": data.row_limit,
        }

    def aggregate(self, spec: ReportSpec, fetched: JsonValue) -> JsonValue:
        """The query already grouped and aggregated: the fetched rows are the document's rows."""
        return fetched

    def build_document(
        self, spec: ReportSpec, aggregated: JsonValue, purpose: Literal["pdf", "csv", "xlsx"]
    ) -> Document:
        report = Report.model_validate(aggregated["report"])
        query = resolve(report.query, spec.scheduledFor)
        kinds = {c.name: c.kind for c in query.columns}
        rows = [{k: typed(kinds.get(k, "text"), v) for k, v in row.items()} for row in aggregated["rows"]]
        document = document_of(
            report,
            query,
            rows,
            int(aggregated["totalRows"]),
            int(aggregated["rowLimit"]),
            spec.tenantId,
            spec.scheduledFor,
        )
        document.locale = spec.locale
        return document


def typed(kind: CellKind, value: Any) -> Any:
    """A JSON cell back in its column's type (dates and timestamps were stored as ISO-8601 text)."""
    if value is None or not isinstance(value, str):
        return value
    if kind == "date":
        return date.fromisoformat(value[:10])
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    return value
