"""The Render step's work: one document per format through the renderers, each file to the reports bucket
(`exports/<tenant>/<job>/`, SSE-KMS, expiring with the bucket's `exports/` lifecycle)."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from typing import BinaryIO
from urllib.parse import quote

from shared import clock
from shared.aws import client
from shared.jobs.models import ArtifactRecord, Job
from shared.pipeline import workspace
from shared.pipeline.spec import ReportSource, ReportSpec
from shared.rendering.csv_writer import render_csv
from shared.rendering.document import Document, RenderResult
from shared.rendering.file_name import file_stem
from shared.settings import get_settings
from shared.subscriptions.models import ReportFormat

SPOOL_BYTES = 16 * 1024 * 1024
"""Files up to this size are rendered in memory; larger ones spill to /tmp."""


def render(fmt: ReportFormat, document: Document, out: BinaryIO) -> RenderResult:
    """`document` as `fmt` into `out`; fpdf2 and openpyxl are imported by the format that needs them, when it does."""
    if fmt == "pdf":
        from shared.rendering.pdf import render_pdf

        return render_pdf(document, out)
    if fmt == "xlsx":
        from shared.rendering.xlsx import render_xlsx

        return render_xlsx(document, out)
    tables = document.tables()
    if not tables:
        raise ValueError("a CSV needs a document with a table")
    return render_csv(tables[0], out)


def artifact_key(job: Job, fmt: ReportFormat) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", job.title.lower()).strip("-")[:60] or "report"
    return f"exports/{job.tenantId}/{job.jobId}/{slug}.{fmt}"


def content_disposition(job: Job, fmt: ReportFormat, key: str) -> str:
    """The download's file name: the key's ASCII slug, and the title in any script as RFC 6266/5987 `filename*`."""
    title = quote(f"{file_stem(job.title)}.{fmt}", safe="")
    return f"attachment; filename=\"{key.rsplit('/', 1)[-1]}\"; filename*=UTF-8''{title}"


def render_artifacts(job: Job, spec: ReportSpec, source: ReportSource, aggregated: object) -> list[ArtifactRecord]:
    """Render and store every format of the job; rerunning overwrites the same keys (idempotent)."""
    expires = clock.now() + timedelta(days=get_settings().export_ttl_days)
    s3 = client("s3")
    artifacts = []
    for fmt in job.formats:
        document = source.build_document(spec, aggregated, fmt)
        key = artifact_key(job, fmt)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            result = render(fmt, document, out)  # type: ignore[arg-type]
            out.seek(0)
            s3.upload_fileobj(
                out,
                workspace.bucket(),
                key,
                ExtraArgs={
                    "ContentType": result.content_type,
                    "ContentDisposition": content_disposition(job, fmt, key),
                    "ServerSideEncryption": "aws:kms",
                    "Metadata": {"job-id": job.jobId, "tenant-id": job.tenantId, "rows": str(result.rows_written)},
                },
            )
        artifacts.append(
            ArtifactRecord(
                format=fmt,
                key=key,
                contentType=result.content_type,
                sizeBytes=result.size_bytes,
                rowCount=result.rows_written,
                truncated=result.truncated,
                pages=result.pages,
                expiresAt=clock.iso(expires),
            )
        )
    return artifacts
