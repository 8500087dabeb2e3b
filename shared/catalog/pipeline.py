"""Subscriptions, schedules, jobs, deliveries, the clinical-trial data and the report pipeline (seeds 001, 004)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.catalog.delivery import CHANNEL_GRANTS, CHANNEL_SECRETS, SEND_RATE_GRANT, TENANT_BUCKETS
from shared.catalog.model import Bucket, EncryptionKey, Function, Grant, Index, Key, LakeTable, Queue, Table
from shared.catalog.platform import USERS

SUBSCRIPTIONS = Table(
    id="subscriptions",
    env_var="SUBSCRIPTIONS_TABLE",
    partition_key=Key("tenantId"),
    sort_key=Key("subscriptionId"),
    indexes=(Index("owner-index", Key("ownerKey"), Key("createdAt")),),
)
"""One item per subscription; `ownerKey` = `<tenantId>#<ownerId>` lists a user's subscriptions, newest first."""

JOBS = Table(
    id="jobs",
    env_var="JOBS_TABLE",
    partition_key=Key("tenantId"),
    sort_key=Key("jobId"),
    indexes=(
        Index("subscription-index", Key("subscriptionId"), Key("createdAt")),
        Index("status-index", Key("statusShard"), Key("updatedAt")),
        Index("tenant-index", Key("tenantId"), Key("createdAt")),
    ),
    stream=True,
)
"""One item per job (a scheduled run, a run-now or a one-off export). An export id is a job id. `status-index` is keyed
on `statusShard` = `<status>#<n>` (`shared.status_shards`): writes spread over 8 partitions per status."""

DELIVERIES = Table(
    id="deliveries",
    env_var="DELIVERIES_TABLE",
    partition_key=Key("tenantId"),
    sort_key=Key("deliveryId"),
    indexes=(
        Index("job-index", Key("jobId"), Key("deliveryId")),
        Index("status-index", Key("statusShard"), Key("updatedAt")),
    ),
    stream=True,
)
"""One item per delivery (a job's artifacts to one recipient over one channel): created → sending → delivered|failed;
`status-index` on `statusShard` = `<status>#<n>` as for jobs."""

TRIAL_RECORDS = Table(
    id="trial-records",
    env_var="TRIAL_RECORDS_TABLE",
    partition_key=Key("trialKey"),
    sort_key=Key("recordKey"),
)
"""Clinical-trial records: `trialKey` = `<tenantId>#<trialId>`; `recordKey` = `trial`, `member#<userId>`,
`site#<id>`, `participant#<id>`, `visit#<date>#<id>`, `measurement#<date>#<id>`, `ae#<date>#<id>`."""

TRIAL_FILES = Table(
    id="trial-files",
    env_var="TRIAL_FILES_TABLE",
    partition_key=Key("trialKey"),
    sort_key=Key("fileKey"),
)
"""Metadata of the trial's related files (`fileKey` = `<date>#<fileId>`), written only after the upload succeeded."""

TRIAL_DOCUMENTS_BUCKET = Bucket(id="trial-documents", env_var="TRIAL_DOCUMENTS_BUCKET")
"""Related files of clinical trials (text notes, images, PDFs) under `trials/<tenantId>/<trialId>/`."""

PIPELINE_DLQ = Queue(id="pipeline-dlq", env_var="PIPELINE_DLQ_URL", visibility_timeout_s=300)
"""Failed report runs (job, step, state, cause, execution), sent by mark-failed when an execution ends badly, and
deliveries the delivery sweeper fails for good (the same shape plus the delivery's id and channel). A DLQ: none of its
own."""
PIPELINE_EVENTS_DLQ = Queue(id="pipeline-events-dlq", env_var="PIPELINE_EVENTS_DLQ_URL", visibility_timeout_s=300)
"""Status-change events that the rule could not hand to mark-failed after its retries (the rule target's DLQ). Not in
`QUEUES`: the PipelineConstruct owns it next to its rule (EventBridge needs a queue policy naming the rule, which a
queue in the stateful stack cannot reference); the local runtime creates it under the same name."""
SCHEDULER_DLQ = Queue(id="scheduler-dlq", env_var="SCHEDULER_DLQ_URL", visibility_timeout_s=300)
"""Schedule firings that EventBridge Scheduler could not deliver to the state machine. A DLQ: none of its own."""

REPORTS = "reports"
"""The platform's reports bucket (`shared.catalog.platform.REPORTS_BUCKET`): `exports/` artifacts, `work/` data."""

_DATA = (Grant(JOBS.id, "read_write"), Grant(SUBSCRIPTIONS.id, "read_write"))
_SAVED_REPORTS = "report-definitions"
"""The report builder's saved reports (`shared.catalog.reports.REPORT_DEFINITIONS`), read by the `report` source."""

SUBSCRIPTIONS_API = Function(
    name="subscriptions-api",
    handler="functions.subscriptions_api.handler",
    kind="api",
    description="Seed 001's subscriptions and jobs routes: create, read, update, delete, run now, list jobs",
    routes=(
        "POST /api/subscriptions",
        "GET /api/subscriptions",
        "GET /api/subscriptions/{subscription_id}",
        "PATCH /api/subscriptions/{subscription_id}",
        "DELETE /api/subscriptions/{subscription_id}",
        "POST /api/subscriptions/{subscription_id}/run",
        "GET /api/subscriptions/{subscription_id}/jobs",
        "GET /api/jobs/{job_id}",
    ),
    grants=(
        *_DATA,
        Grant(DELIVERIES.id, "read"),
        Grant(TRIAL_RECORDS.id, "read"),
        Grant(_SAVED_REPORTS, "read"),
        Grant(CHANNEL_SECRETS.id, "encrypt_decrypt"),  # seals new channel secrets; opens kept ones to re-validate
        Grant(USERS.id, "read"),  # the owner's address when the token carries none
        Grant(TENANT_BUCKETS.id, "read"),  # an S3 channel's bucket must be one the tenant registered
    ),
)
REPORT_EXPORTS_API = Function(
    name="report-exports-api",
    handler="functions.report_exports_api.handler",
    kind="api",
    description="Seed 004's report schedules (subscriptions) and exports (jobs): create, read, run, retry, delete",
    routes=(
        "GET /api/reports/schedules",
        "POST /api/reports/schedules",
        "GET /api/reports/schedules/{schedule_id}",
        "PUT /api/reports/schedules/{schedule_id}",
        "DELETE /api/reports/schedules/{schedule_id}",
        "POST /api/reports/schedules/{schedule_id}/run",
        "PATCH /api/reports/schedules/{schedule_id}/toggle",
        "GET /api/reports/exports",
        "POST /api/reports/exports",
        "GET /api/reports/exports/{export_id}",
        "POST /api/reports/exports/{export_id}/retry",
        "DELETE /api/reports/exports/{export_id}",
    ),
    grants=(
        *_DATA,
        Grant(DELIVERIES.id, "read"),
        Grant(_SAVED_REPORTS, "read"),
        Grant(REPORTS, "read_write"),
        Grant(TENANT_BUCKETS.id, "read"),
    ),
)
INIT_DEFAULTS = Function(
    name="init-defaults",
    handler="functions.init_defaults.handler",
    kind="task",
    description="One-off: a tenant's Usage Summary report and weekly schedule (payload tenant, recipients)",
    grants=(*_DATA, Grant(_SAVED_REPORTS, "read_write")),
    timeout_s=60,
)
SCHEDULING_APIS = ("subscriptions-api", "report-exports-api", "init-defaults", "reporting-api")
"""The functions that create schedules and start runs (Scheduler and Step Functions permissions)."""
EXPORT_DOWNLOAD_API = Function(
    name="export-download-api",
    handler="functions.export_download_api.handler",
    kind="api",
    description="GET /api/reports/exports/{export_id}/download: checks the caller, redirects to a 5-minute S3 URL",
    routes=("GET /api/reports/exports/{export_id}/download",),
    grants=(Grant(JOBS.id, "read"), Grant(DELIVERIES.id, "read"), Grant(REPORTS, "read")),
    memory_mb=256,
)

_STEP_GRANTS = (*_DATA, Grant(REPORTS, "read_write"))
PIPELINE_START = Function(
    name="pipeline-start",
    handler="functions.pipeline_start.handler",
    kind="task",
    description="Pipeline Start: the job's conditional put; a slot fired twice ends quietly",
    grants=(*_DATA, Grant(TRIAL_RECORDS.id, "read")),
)
PIPELINE_FETCH = Function(
    name="pipeline-fetch",
    handler="functions.pipeline_fetch.handler",
    kind="task",
    description="Pipeline Fetch: the report's records and related files, written to work/ in S3",
    grants=(
        *_STEP_GRANTS,
        Grant(TRIAL_RECORDS.id, "read"),
        Grant(TRIAL_FILES.id, "read"),
        Grant(TRIAL_DOCUMENTS_BUCKET.id, "read"),
        Grant(_SAVED_REPORTS, "read"),
    ),
    memory_mb=1024,
    timeout_s=300,
)
"""Its Athena, Glue and lake permissions (the `report` source) come from the AnalyticsConstruct
(`cdk/concerns/reports.py`)."""
PIPELINE_AGGREGATE = Function(
    name="pipeline-aggregate",
    handler="functions.pipeline_aggregate.handler",
    kind="task",
    description="Pipeline Aggregate: the weekly summary from the fetched data, written to work/",
    grants=_STEP_GRANTS,
    memory_mb=1024,
    timeout_s=300,
)
PIPELINE_RENDER = Function(
    name="pipeline-render",
    handler="functions.pipeline_render.handler",
    kind="task",
    description="Pipeline Render: PDF, CSV and XLSX artifacts to exports/, and the job's deliveries planned",
    grants=(*_STEP_GRANTS, Grant(DELIVERIES.id, "read_write"), Grant(TRIAL_DOCUMENTS_BUCKET.id, "read")),
    memory_mb=1536,
    timeout_s=600,
)
PIPELINE_DELIVER = Function(
    name="pipeline-deliver",
    handler="functions.pipeline_deliver.handler",
    kind="task",
    description="Pipeline Deliver (one Map item): hands the artifacts to one recipient, at most once per delivery id",
    grants=(
        Grant(JOBS.id, "read_write"),
        Grant(DELIVERIES.id, "read_write"),
        Grant(REPORTS, "read"),
        *CHANNEL_GRANTS,
        Grant(TENANT_BUCKETS.id, "read"),
    ),
    timeout_s=120,
)
PIPELINE_COMPLETE = Function(
    name="pipeline-complete",
    handler="functions.pipeline_complete.handler",
    kind="task",
    description="Pipeline Complete: completed or partially_delivered with the delivery summary, the run counted, the "
    "owner told of failed deliveries or of a recovery, work/ data removed",
    grants=(*_STEP_GRANTS, Grant(DELIVERIES.id, "read_write"), SEND_RATE_GRANT),
)
PIPELINE_MARK_FAILED = Function(
    name="pipeline-mark-failed",
    handler="functions.pipeline_mark_failed.handler",
    kind="task",
    description="Target of the status-change rule (execution FAILED, TIMED_OUT, ABORTED): the job failed with its "
    "step and cause, the owner emailed once, the failure on the pipeline DLQ",
    grants=(*_DATA, Grant(DELIVERIES.id, "read_write"), Grant(PIPELINE_DLQ.id, "send"), SEND_RATE_GRANT),
)
"""Also `states:GetExecutionHistory` on the state machine's executions (PipelineConstruct), to name the failed state
and the attempt it ran."""


@dataclass(frozen=True)
class RuleTarget:
    """An EventBridge rule's Lambda target and its retry policy (CDK and the local emitter read the same values)."""

    function: str
    retry_attempts: int
    max_event_age_s: int
    dlq: str


STATUS_CHANGE_TARGET = RuleTarget(
    function=PIPELINE_MARK_FAILED.name, retry_attempts=4, max_event_age_s=3600, dlq=PIPELINE_EVENTS_DLQ.id
)
"""The rule on the report state machine's "Execution Status Change" events (FAILED, TIMED_OUT, ABORTED)."""
PIPELINE_RECONCILE = Function(
    name="pipeline-reconcile",
    handler="functions.pipeline_reconcile.handler",
    kind="cron",
    description="Daily: S3 objects without metadata and metadata without objects (trial files, export artifacts)",
    schedule="cron(30 3 * * ? *)",
    grants=(
        Grant(JOBS.id, "read"),
        Grant(TRIAL_FILES.id, "read"),
        Grant(TRIAL_DOCUMENTS_BUCKET.id, "read"),
        Grant(REPORTS, "read"),
    ),
    timeout_s=900,
)

STEP_FUNCTIONS: tuple[Function, ...] = (
    PIPELINE_START,
    PIPELINE_FETCH,
    PIPELINE_AGGREGATE,
    PIPELINE_RENDER,
    PIPELINE_DELIVER,
    PIPELINE_COMPLETE,
)
"""The state machine's tasks; their ARNs fill the ASL file's `${...Arn}` placeholders."""

TABLES: tuple[Table, ...] = (SUBSCRIPTIONS, JOBS, DELIVERIES, TRIAL_RECORDS, TRIAL_FILES)
BUCKETS: tuple[Bucket, ...] = (TRIAL_DOCUMENTS_BUCKET,)
QUEUES: tuple[Queue, ...] = (PIPELINE_DLQ, SCHEDULER_DLQ)
LAKE_TABLES: tuple[LakeTable, ...] = ()
KEYS: tuple[EncryptionKey, ...] = ()
FUNCTIONS: tuple[Function, ...] = (
    SUBSCRIPTIONS_API,
    REPORT_EXPORTS_API,
    INIT_DEFAULTS,
    EXPORT_DOWNLOAD_API,
    *STEP_FUNCTIONS,
    PIPELINE_MARK_FAILED,
    PIPELINE_RECONCILE,
)
