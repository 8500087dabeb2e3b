"""The daily reconciliation: S3 objects without metadata and metadata without objects, per pair, counted."""

from datetime import timedelta

from local import lambdas
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_RECONCILE
from shared.jobs import store as job_store
from shared.jobs.models import ArtifactRecord, Job
from shared.pipeline import workspace
from shared.pipeline.reconciliation import artifact_horizon
from shared.subscriptions.models import ReportFilters
from shared.trials import store
from tests.support.dynamodb_calls import counting_dynamodb_calls
from tests.support.pipeline import small_trial


def _pairs() -> dict[str, dict[str, object]]:
    report = lambdas.invoke(PIPELINE_RECONCILE.name, {"detail-type": "Scheduled Event"})
    return {p["name"]: p for p in report["pairs"]}


def test_consistent_data_reconciles_clean(clean: LocalRuntime) -> None:
    small_trial()
    pairs = _pairs()
    assert pairs["trial-files"]["objects"] == pairs["trial-files"]["described"] > 0
    assert pairs["trial-files"]["orphanCount"] == pairs["trial-files"]["missingCount"] == 0


def test_orphans_and_missing_objects_are_reported_after_the_grace_period(clean: LocalRuntime) -> None:
    small_trial()
    s3 = client("s3")
    documents = store.documents_bucket()
    gone = next(iter(store.every_file()))["key"]
    s3.delete_object(Bucket=documents, Key=gone)
    s3.put_object(Bucket=documents, Key="trials/acme/T-100/2026-01-01/stray.txt", Body=b"no metadata")
    s3.put_object(Bucket=workspace.bucket(), Key="exports/acme/job_x/report.pdf", Body=b"%PDF")

    fresh = _pairs()
    assert fresh["trial-files"]["missingCount"] == 1
    assert fresh["trial-files"]["orphanCount"] == 0, "an object younger than the grace period may await its metadata"

    clock.set_now(clock.now() + timedelta(hours=2))
    later = _pairs()
    assert later["trial-files"]["metadataWithoutObjects"] == [gone]
    assert later["trial-files"]["objectsWithoutMetadata"] == ["trials/acme/T-100/2026-01-01/stray.txt"]
    assert later["export-artifacts"]["objectsWithoutMetadata"] == ["exports/acme/job_x/report.pdf"]


def _completed_job(job_id: str, key: str, expires_at: str) -> Job:
    """A completed job updated now, whose one artifact expires at `expires_at`."""
    now = clock.iso(clock.now())
    artifact = ArtifactRecord(format="pdf", key=key, contentType="application/pdf", sizeBytes=4, expiresAt=expires_at)
    return Job(
        jobId=job_id,
        tenantId="acme",
        kind="export",
        ownerId="alice",
        reportType="clinical_weekly",
        title="t",
        filters=ReportFilters(),
        formats=["pdf"],
        status="completed",
        scheduledFor=now,
        createdAt=now,
        updatedAt=now,
        artifacts=[artifact],
    )


def test_expired_artifacts_are_neither_orphans_while_s3_keeps_them_nor_missing_once_gone(clean: LocalRuntime) -> None:
    s3, bucket = client("s3"), workspace.bucket()
    expires_soon = clock.iso(clock.now() + timedelta(hours=1))
    kept, gone, lost = (f"exports/acme/{j}/report.pdf" for j in ("job_kept", "job_gone", "job_lost"))
    job_store.put_new(_completed_job("job_kept", kept, expires_soon))
    job_store.put_new(_completed_job("job_gone", gone, expires_soon))
    job_store.put_new(_completed_job("job_lost", lost, clock.iso(clock.now() + timedelta(days=30))))
    s3.put_object(Bucket=bucket, Key=kept, Body=b"%PDF")

    clock.set_now(clock.now() + timedelta(hours=2))
    exports = _pairs()["export-artifacts"]
    assert exports["objectsWithoutMetadata"] == [], "an expired artifact the lifecycle has not removed yet"
    assert exports["metadataWithoutObjects"] == [lost], "only an unexpired artifact must exist"


def test_jobs_beyond_the_exports_lifecycle_are_not_read_and_their_objects_are_not_orphans(clean: LocalRuntime) -> None:
    s3, bucket = client("s3"), workspace.bucket()
    old, current, lost = (f"exports/acme/{j}/report.pdf" for j in ("job_old", "job_current", "job_lost"))
    job_store.put_new(_completed_job("job_old", old, clock.iso(clock.now() + timedelta(days=30))))
    s3.put_object(Bucket=bucket, Key=old, Body=b"%PDF")

    clock.set_now(clock.now() + timedelta(days=40))
    assert artifact_horizon(clock.now()) > clock.now() - timedelta(days=40), "job_old is beyond the horizon"
    for job_id, key in (("job_current", current), ("job_lost", lost)):
        job_store.put_new(_completed_job(job_id, key, clock.iso(clock.now() + timedelta(days=30))))
    s3.put_object(Bucket=bucket, Key=current, Body=b"%PDF")

    with counting_dynamodb_calls() as calls:
        exports = _pairs()["export-artifacts"]
    assert calls.items_read("status-index") == 2, "job_current and job_lost are read, job_old is not"
    assert exports["described"] == 2
    assert exports["objectsWithoutMetadata"] == [], "job_old's object is past the lifecycle, not an orphan"
    assert exports["metadataWithoutObjects"] == [lost]
