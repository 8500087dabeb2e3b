"""Jobs and deliveries made directly in the local AWS, for the delivery, sweeper and reporting-route tests."""

from __future__ import annotations

from datetime import timedelta

from shared import clock
from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.jobs import store as job_store
from shared.jobs.models import ArtifactRecord, Job, JobStatus
from shared.settings import get_settings
from shared.subscriptions.models import ReportFilters

PDF = b"%PDF-1.4\n% a tiny stand-in report\n%%EOF\n"


def stored_job(
    job_id: str,
    status: JobStatus = "completed",
    tenant: str = "acme",
    owner: str = "alice",
    updated_ago: timedelta = timedelta(0),
    size_bytes: int | None = None,
) -> Job:
    """A job with one PDF artifact in the reports bucket, last updated `updated_ago`."""
    moment = clock.iso(clock.now() - updated_ago)
    key = f"exports/{tenant}/{job_id}/report.pdf"
    client("s3").put_object(Bucket=get_settings().name_of(REPORTS_BUCKET), Key=key, Body=PDF)
    job = Job(
        jobId=job_id,
        tenantId=tenant,
        kind="manual",
        subscriptionId="sub-1",
        ownerId=owner,
        ownerEmail=f"{owner}@example.com",
        reportType="clinical_weekly",
        title="Weekly trial summary",
        filters=ReportFilters(),
        formats=["pdf"],
        status=status,
        step="deliver" if status == "processing" else "complete",
        scheduledFor=moment,
        periodLabel="2026-11-16 to 2026-11-22",
        createdAt=moment,
        updatedAt=moment,
        startedAt=moment,
        artifacts=[
            ArtifactRecord(
                format="pdf",
                key=key,
                contentType="application/pdf",
                sizeBytes=size_bytes if size_bytes is not None else len(PDF),
                expiresAt=clock.iso(clock.now() + timedelta(days=30)),
            )
        ],
    )
    assert job_store.put_new(job)
    return job
