"""Daily consistency check between S3 and the metadata that describes it (seed 001: "files are uploaded first,
metadata written after; a background job compares S3 with the database").

Two pairs are compared: trial files (documents bucket vs `trial-files`) and export artifacts (`exports/` in the
reports bucket vs completed jobs). Objects younger than the grace period are left alone: their metadata may be
being written right now.

Export artifacts are bounded by the `exports/` lifecycle: only jobs updated since `artifact_horizon` are read (a range
on `status-index`'s sort key), and only objects uploaded since then can be orphans. An artifact's object is uploaded
before its job records it (which sets `updatedAt`, and `updatedAt` only grows), so a job last updated before the
horizon has only objects older than the horizon: expired by the lifecycle, gone or about to go, never a mismatch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from shared import clock
from shared.aws import client
from shared.catalog.platform import EXPORTS
from shared.jobs import store as job_store
from shared.pipeline import workspace
from shared.trials import store as trial_store

GRACE = timedelta(hours=1)
SAMPLE = 50
LIFECYCLE_LAG = timedelta(days=3)
"""How long after an object's expiry S3 may still hold it: the lifecycle counts from the next midnight UTC and
removes expired objects asynchronously (usually within a day), plus slack."""


def artifact_horizon(now: datetime) -> datetime:
    """Before this moment no export artifact is unexpired nor still in S3: `exports/` objects expire after the
    bucket's lifecycle days (artifacts' links, `EXPORT_TTL_DAYS`, never later), plus the lifecycle's lag."""
    return now - timedelta(days=EXPORTS.days) - LIFECYCLE_LAG


class Mismatch(BaseModel):
    name: str
    objects: int
    described: int
    objectsWithoutMetadata: list[str] = Field(default_factory=list)
    metadataWithoutObjects: list[str] = Field(default_factory=list)
    orphanCount: int = 0
    missingCount: int = 0


class ReconciliationReport(BaseModel):
    checkedAt: str
    pairs: list[Mismatch]

    @property
    def clean(self) -> bool:
        return all(p.orphanCount == 0 and p.missingCount == 0 for p in self.pairs)


def _objects(bucket: str, prefix: str) -> Iterator[tuple[str, datetime]]:
    for page in client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"], item["LastModified"]


def _compare(
    name: str,
    objects: dict[str, datetime],
    described: set[str],
    now: datetime,
    expected: set[str] | None = None,
    since: datetime | None = None,
) -> Mismatch:
    """`expected`: the described keys whose objects must exist (all of them unless given); `since`: objects modified
    before it are expired, not orphans (their metadata was not read)."""
    orphans = sorted(
        k
        for k, modified in objects.items()
        if k not in described and now - modified > GRACE and (since is None or modified >= since)
    )
    missing = sorted((described if expected is None else expected) - objects.keys())
    return Mismatch(
        name=name,
        objects=len(objects),
        described=len(described),
        objectsWithoutMetadata=orphans[:SAMPLE],
        metadataWithoutObjects=missing[:SAMPLE],
        orphanCount=len(orphans),
        missingCount=len(missing),
    )


def _artifact_keys(now_iso: str, since_iso: str) -> tuple[set[str], set[str]]:
    """Artifacts recorded on jobs updated since `since_iso` (a failed job keeps what it rendered; a rerun overwrites
    the same keys): every one, and those not yet expired. An expired artifact may still be in S3 (the lifecycle
    removes it up to a day or more later) or already gone: neither is a mismatch."""
    recorded: set[str] = set()
    live: set[str] = set()
    for status in ("completed", "failed", "processing"):
        cursor: str | None = None
        while True:
            jobs, cursor = job_store.list_by_status(status, 100, cursor, updated_since=since_iso)
            for artifact in (a for j in jobs for a in j.artifacts):
                recorded.add(artifact.key)
                if artifact.expiresAt > now_iso:
                    live.add(artifact.key)
            if not cursor:
                break
    return recorded, live


TRIAL_FILES = "trial-files"
EXPORT_ARTIFACTS = "export-artifacts"
PAIRS = (TRIAL_FILES, EXPORT_ARTIFACTS)
"""The compared pairs, by the name their metrics carry."""


def mismatch_metrics(pair: str) -> tuple[str, str]:
    """The powertools metrics (Count) the reconcile function emits for a pair: objects without metadata, metadata
    without objects. CDK alarms on their sum (cdk/monitoring.py)."""
    return f"{pair}-objects-without-metadata", f"{pair}-metadata-without-objects"


def reconcile() -> ReconciliationReport:
    now = clock.now()
    files = dict(_objects(trial_store.documents_bucket(), "trials/"))
    described_files = {f["key"] for f in trial_store.every_file()}
    exports = dict(_objects(workspace.bucket(), EXPORTS.prefix))
    horizon = artifact_horizon(now)
    # jobs from a grace period earlier than the objects: S3's clock and the functions' may differ a little
    recorded_exports, live_exports = _artifact_keys(clock.iso(now), clock.iso(horizon - GRACE))
    return ReconciliationReport(
        checkedAt=clock.iso(now),
        pairs=[
            _compare(TRIAL_FILES, files, described_files, now),
            _compare(EXPORT_ARTIFACTS, exports, recorded_exports, now, expected=live_exports, since=horizon),
        ],
    )
