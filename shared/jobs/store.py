"""DynamoDB access for jobs: the slot's conditional put and the status transitions, each conditional."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.aws import resource
from shared.catalog.pipeline import JOBS
from shared.items import conditional_check_failed, from_item, query_page, to_item, update_if
from shared.jobs.models import ArtifactRecord, DeliverySummary, Job, JobError, JobStatus
from shared.settings import get_settings
from shared.status_shards import shard_keys, status_shard, with_status_shard


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(JOBS))


def _model(item: dict[str, Any]) -> Job:
    return Job.model_validate(from_item(item))


def _key(tenant_id: str, job_id: str) -> dict[str, str]:
    return {"tenantId": tenant_id, "jobId": job_id}


def put_new(job: Job) -> bool:
    """Write the job unless one with its id exists; False when it did (a slot fired twice)."""
    item = {**job.model_dump(mode="json"), "statusShard": status_shard(job.status, job.jobId)}
    try:
        _table().put_item(Item=to_item(item), ConditionExpression="attribute_not_exists(jobId)")
    except ClientError as error:
        if conditional_check_failed(error):
            return False
        raise
    return True


def get(tenant_id: str, job_id: str) -> Job | None:
    item = _table().get_item(Key=_key(tenant_id, job_id), ConsistentRead=True)
    return _model(item["Item"]) if "Item" in item else None


def _of_attempt(condition: str, values: dict[str, Any], attempt: int | None) -> str:
    """`condition`, narrowed to one attempt when given: a run never changes a later run of the same job."""
    if attempt is None:
        return condition
    values[":attempt"] = attempt
    return f"{condition} AND attempt = :attempt"


def _update(tenant_id: str, job_id: str, **params: Any) -> Job | None:
    """One conditional update; the new job, or None when the condition did not hold."""
    item = update_if(_table(), _key(tenant_id, job_id), **with_status_shard(params, job_id))
    return Job.model_validate(item) if item is not None else None


def claim(tenant_id: str, job_id: str, now: str) -> Job | None:
    """pending → processing (the first run) or failed → processing (a rerun: attempt + 1); None if neither holds."""
    for source, increment in (("pending", 0), ("failed", 1)):
        claimed = _update(
            tenant_id,
            job_id,
            UpdateExpression=(
                "SET #status = :processing, step = :start, startedAt = :now, updatedAt = :now, "
                "attempt = attempt + :increment REMOVE #error, completedAt, resumedFrom, deliverySummary"
            ),
            ConditionExpression="#status = :source AND attribute_not_exists(deletedAt)",
            ExpressionAttributeNames={"#status": "status", "#error": "error"},
            ExpressionAttributeValues={
                ":processing": "processing",
                ":source": source,
                ":start": "start",
                ":now": now,
                ":increment": increment,
            },
        )
        if claimed is not None:
            return claimed
    return None


def requeue(tenant_id: str, job_id: str, now: str) -> Job | None:
    """failed → pending for a rerun (attempt + 1, the error cleared); None if it is not failed (or was deleted)."""
    return _update(
        tenant_id,
        job_id,
        UpdateExpression=(
            "SET #status = :pending, updatedAt = :now, attempt = attempt + :one REMOVE #error, completedAt"
        ),
        ConditionExpression="#status = :failed AND attribute_not_exists(deletedAt)",
        ExpressionAttributeNames={"#status": "status", "#error": "error"},
        ExpressionAttributeValues={":pending": "pending", ":failed": "failed", ":now": now, ":one": 1},
    )


def set_step(tenant_id: str, job_id: str, step: str, now: str, attempt: int | None = None) -> Job | None:
    """Record the step reached; None when the job is no longer processing (failed or finished meanwhile) or, given
    `attempt`, is processing another attempt."""
    values: dict[str, Any] = {":step": step, ":now": now, ":processing": "processing"}
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET step = :step, updatedAt = :now",
        ConditionExpression=_of_attempt("#status = :processing", values, attempt),
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=values,
    )


def set_artifacts(tenant_id: str, job_id: str, artifacts: list[ArtifactRecord], now: str) -> Job | None:
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET artifacts = :artifacts, updatedAt = :now",
        ConditionExpression="#status = :processing",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":artifacts": to_item([a.model_dump(mode="json") for a in artifacts]),
            ":now": now,
            ":processing": "processing",
        },
    )


def complete(
    tenant_id: str,
    job_id: str,
    now: str,
    execution_ms: int,
    attempt: int | None = None,
    summary: DeliverySummary | None = None,
) -> Job | None:
    """processing → completed (every delivery delivered) or partially_delivered (some failed), with the delivery
    summary; None when it was not processing, or given `attempt` not that attempt (the caller counts the run once)."""
    summary = summary or DeliverySummary()
    values: dict[str, Any] = {
        ":status": "partially_delivered" if summary.failed else "completed",
        ":complete": "complete",
        ":now": now,
        ":ms": execution_ms,
        ":processing": "processing",
        ":summary": summary.model_dump(mode="json"),
    }
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET #status = :status, step = :complete, completedAt = :now, updatedAt = :now, "
        "executionTimeMs = :ms, deliverySummary = :summary",
        ConditionExpression=_of_attempt("#status = :processing", values, attempt),
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=values,
    )


def set_delivery_summary(tenant_id: str, job_id: str, summary: DeliverySummary, now: str) -> Job | None:
    """A finished job's summary after failed deliveries were retried: partially_delivered ↔ completed follows it;
    None when the job is not finished (or was deleted)."""
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET #status = :status, deliverySummary = :summary, updatedAt = :now",
        ConditionExpression="#status IN (:completed, :partial) AND attribute_not_exists(deletedAt)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":status": "partially_delivered" if summary.failed else "completed",
            ":summary": summary.model_dump(mode="json"),
            ":now": now,
            ":completed": "completed",
            ":partial": "partially_delivered",
        },
    )


def resume(tenant_id: str, job_id: str, step: str, attempt: int | None, now: str) -> Job | None:
    """failed → processing at `step` for a redrive of the execution whose failure was recorded (`error.executionArn`
    set by mark-failed), same attempt; None otherwise (failed by a sweeper, run again, deleted)."""
    values: dict[str, Any] = {":processing": "processing", ":step": step, ":now": now, ":failed": "failed"}
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET #status = :processing, step = :step, updatedAt = :now, resumedFrom = #error "
        "REMOVE #error",
        ConditionExpression=_of_attempt(
            "#status = :failed AND attribute_exists(#error.executionArn) AND attribute_not_exists(deletedAt)",
            values,
            attempt,
        ),
        ExpressionAttributeNames={"#status": "status", "#error": "error"},
        ExpressionAttributeValues=values,
    )


def recover(tenant_id: str, job_id: str, attempt: int, now: str) -> Job | None:
    """failed at `deliver` → completed, once every delivery of that attempt got through after all (the delivery
    sweeper sent the last one); None when the job moved on since (run again, deleted) or failed elsewhere."""
    return _update(
        tenant_id,
        job_id,
        UpdateExpression=(
            "SET #status = :completed, step = :complete, completedAt = :now, updatedAt = :now REMOVE #error"
        ),
        ConditionExpression=(
            "#status = :failed AND attempt = :attempt AND #error.step = :deliver AND attribute_not_exists(deletedAt)"
        ),
        ExpressionAttributeNames={"#status": "status", "#error": "error"},
        ExpressionAttributeValues={
            ":completed": "completed",
            ":complete": "complete",
            ":now": now,
            ":failed": "failed",
            ":attempt": attempt,
            ":deliver": "deliver",
        },
    )


def fail(
    tenant_id: str,
    job_id: str,
    error: JobError,
    now: str,
    seen_updated_at: str | None = None,
    attempt: int | None = None,
) -> Job | None:
    """pending|processing → failed with the step and cause; None when it had already ended (or, given
    `seen_updated_at`, moved on since then; given `attempt`, was run again since)."""
    values: dict[str, Any] = {
        ":failed": "failed",
        ":error": error.model_dump(mode="json"),
        ":now": now,
        ":pending": "pending",
        ":processing": "processing",
    }
    condition = _of_attempt("#status IN (:pending, :processing)", values, attempt)
    if seen_updated_at is not None:
        condition += " AND updatedAt = :seen"
        values[":seen"] = seen_updated_at
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET #status = :failed, #error = :error, updatedAt = :now",
        ConditionExpression=condition,
        ExpressionAttributeNames={"#status": "status", "#error": "error"},
        ExpressionAttributeValues=values,
    )


def mark_deleted(tenant_id: str, job_id: str, now: str) -> Job | None:
    """A finished job's export deleted: artifacts gone, `deletedAt` set (the record stays, so its slot never runs
    again); None when the job was not completed or failed, or was already deleted."""
    return _update(
        tenant_id,
        job_id,
        UpdateExpression="SET artifacts = :none, deletedAt = :now, updatedAt = :now",
        ConditionExpression="#status IN (:completed, :partial, :failed) AND attribute_not_exists(deletedAt)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":none": [],
            ":now": now,
            ":completed": "completed",
            ":partial": "partially_delivered",
            ":failed": "failed",
        },
    )


def _page(params: dict[str, Any], cursor: str | None) -> tuple[list[Job], str | None]:
    items, next_cursor = query_page(_table(), JOBS, params, cursor)
    return [Job.model_validate(i) for i in items], next_cursor


def list_for_subscription(
    tenant_id: str, subscription_id: str, limit: int, cursor: str | None
) -> tuple[list[Job], str | None]:
    """Newest first, through `subscription-index`; the tenant filter is defence in depth."""
    return _page(
        {
            "IndexName": "subscription-index",
            "KeyConditionExpression": "subscriptionId = :sub",
            "FilterExpression": "tenantId = :tenant",
            "ExpressionAttributeValues": {":sub": subscription_id, ":tenant": tenant_id},
            "ScanIndexForward": False,
            "Limit": limit,
        },
        cursor,
    )


def list_for_tenant(tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
    """Newest first, through `tenant-index`."""
    return _page(
        {
            "IndexName": "tenant-index",
            "KeyConditionExpression": "tenantId = :tenant",
            "ExpressionAttributeValues": {":tenant": tenant_id},
            "ScanIndexForward": False,
            "Limit": limit,
        },
        cursor,
    )


def list_by_status(
    status: JobStatus, limit: int, cursor: str | None, updated_since: str | None = None
) -> tuple[list[Job], str | None]:
    """Jobs in one status through `status-index`, shard by shard (`shared.status_shards`), each oldest update first;
    with `updated_since`, only those updated since then (a range on the index's sort key: older ones are not read).
    The cursor names the shard and the position in it."""
    shard, _, inner = (cursor or "0:").partition(":")
    index = int(shard) if shard.isdigit() else 0
    keys = shard_keys(status)
    if index >= len(keys):
        return [], None
    condition = "statusShard = :shard"
    values: dict[str, str] = {":shard": keys[index]}
    if updated_since is not None:
        condition += " AND updatedAt >= :since"
        values[":since"] = updated_since
    jobs, next_inner = _page(
        {
            "IndexName": "status-index",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "Limit": limit,
        },
        inner or None,
    )
    if next_inner is not None:
        return jobs, f"{index}:{next_inner}"
    return jobs, (f"{index + 1}:" if index + 1 < len(keys) else None)


def list_stale(status: JobStatus, before: str, limit: int) -> list[Job]:
    """Jobs in `status` last updated before `before`, oldest first (across the shards of `status-index`), at most
    `limit` (the job sweeper): each shard's oldest `limit`, merged."""
    found: list[Job] = []
    for key in shard_keys(status):
        jobs, _ = _page(
            {
                "IndexName": "status-index",
                "KeyConditionExpression": "statusShard = :shard AND updatedAt < :before",
                "ExpressionAttributeValues": {":shard": key, ":before": before},
                "Limit": limit,
            },
            None,
        )
        found += jobs
    return sorted(found, key=lambda j: j.updatedAt)[:limit]
