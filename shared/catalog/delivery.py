"""Multi-channel delivery, delivery records, stats and sweepers (seeds 002, 003)."""

from __future__ import annotations

from shared.catalog.model import Bucket, EncryptionKey, Function, Grant, Index, Key, LakeTable, Queue, Table
from shared.catalog.platform import SINGLE_FLIGHT

INBOX = Table(
    id="inbox", env_var="INBOX_TABLE", partition_key=Key("userKey"), sort_key=Key("itemKey"), ttl_attribute="ttl"
)
"""The dashboard inbox: `userKey` = `tenant#user`, `itemKey` = `createdAt#deliveryId` (newest last)."""

DISTRIBUTION_STATS = Table(
    id="distribution-stats",
    env_var="DISTRIBUTION_STATS_TABLE",
    partition_key=Key("tenantId"),
    sort_key=Key("statKey"),
    ttl_attribute="ttl",
)
"""Seed 003's distribution_stats: one item per tenant, hour, report type and channel, counters added atomically."""

SEND_RATE = Table(id="send-rate", env_var="SEND_RATE_TABLE", partition_key=Key("bucketId"))
"""Token buckets shared by every Lambda environment of the account (`bucketId` = `ses`): one SES sending rate, held
with conditional updates (`shared.delivery.send_rate`)."""
SEND_RATE_GRANT = Grant(SEND_RATE.id, "read_write")
"""Every function that sends email has it (`EMAIL_SENDERS` and the pipeline's Deliver, Complete and mark-failed)."""
TENANT_BUCKETS = Table(
    id="tenant-buckets",
    env_var="TENANT_BUCKETS_TABLE",
    partition_key=Key("bucket"),
    indexes=(Index("tenant-index", Key("tenantId"), Key("bucket")),),
)
"""The S3 channel's registry: each customer bucket a tenant's admin registered (one tenant per bucket) and the root
prefix the tenant's deliveries stay under (`shared.delivery.tenant_buckets`)."""

CHANNEL_SECRETS = EncryptionKey(
    id="channel-secrets",
    env_var="CHANNEL_SECRETS_KEY",
    description="Seals the secret fields of channel configs (webhook signing secrets, Slack URLs, device tokens)",
)
"""Channel secrets are stored sealed in subscriptions and delivery records (`shared.delivery.sealing`): sealed by the
functions that take channel configs, opened only by those that send or must re-validate them."""

CHANNEL_GRANTS = (
    Grant(INBOX.id, "read_write"),
    Grant(DISTRIBUTION_STATS.id, "read_write"),
    Grant(CHANNEL_SECRETS.id, "decrypt"),
    SEND_RATE_GRANT,
)
"""What running the delivery channels uses (inbox items, distribution stats, opening sealed channel secrets); every
`CHANNEL_SENDERS` entry has it, and reads (the reporting API also writes) `TENANT_BUCKETS`, the S3 channel's
registry."""

INBOX_API = Function(
    name="inbox-api",
    handler="functions.inbox_api.handler",
    kind="api",
    description="The caller's dashboard inbox: list (newest first, paged) and mark read",
    routes=("GET /api/inbox", "POST /api/inbox/{item_id}/read"),
    grants=(Grant("inbox", "read_write"),),
)
REPORTING_API = Function(
    name="reporting-api",
    handler="functions.reporting_api.handler",
    kind="api",
    description="Seed 003's reporting routes: subscribe, subscriptions, deliver now, delivery status, stats, buckets",
    routes=(
        "GET /api/v1/reporting/stats",
        "POST /api/v1/reporting/subscribe",
        "GET /api/v1/reporting/subscriptions/{subscriber_id}",
        "POST /api/v1/reporting/deliver",
        "GET /api/v1/reporting/delivery/{delivery_id}/status",
        "GET /api/jobs/{job_id}/deliveries",
        "POST /api/jobs/{job_id}/deliveries/retry",
        "GET /api/v1/reporting/buckets",
        "PUT /api/v1/reporting/buckets/{bucket}",
        "DELETE /api/v1/reporting/buckets/{bucket}",
    ),
    grants=(
        *CHANNEL_GRANTS,
        Grant(TENANT_BUCKETS.id, "read_write"),
        Grant(CHANNEL_SECRETS.id, "encrypt"),
        Grant("subscriptions", "read_write"),
        Grant("jobs", "read"),
        Grant("deliveries", "read_write"),
        Grant("trial-records", "read"),
        Grant("reports", "read"),
        Grant("delivery-requests", "send"),  # deliver-now and retries are queued for the delivery worker
    ),
)

DELIVERY_SWEEPER = Function(
    name="delivery-sweeper",
    handler="functions.delivery_sweeper.handler",
    kind="cron",
    description="Every 10 minutes: deliveries left created, sending or failed retryable are sent again or ended",
    schedule="rate(10 minutes)",
    grants=(
        Grant("jobs", "read_write"),
        Grant("subscriptions", "read_write"),
        Grant("deliveries", "read_write"),
        Grant("reports", "read"),
        *CHANNEL_GRANTS,
        Grant(TENANT_BUCKETS.id, "read"),
        Grant("pipeline-dlq", "send"),
        SINGLE_FLIGHT,
    ),
    timeout_s=300,
)
JOB_SWEEPER = Function(
    name="job-sweeper",
    handler="functions.job_sweeper.handler",
    kind="cron",
    description="Every 15 minutes: jobs processing past JOB_WORKING_TIMEOUT_MINUTES are re-driven or failed",
    schedule="rate(15 minutes)",
    grants=(Grant("jobs", "read_write"), Grant("deliveries", "read_write"), SEND_RATE_GRANT, SINGLE_FLIGHT),
    timeout_s=300,
)

DELIVERY_REQUESTS = Queue(
    id="delivery-requests",
    env_var="DELIVERY_REQUESTS_URL",
    dlq_env_var="DELIVERY_REQUESTS_DLQ_URL",
    visibility_timeout_s=720,
    max_receive_count=3,
)
"""Deliveries sent outside a pipeline run (deliver-now, `POST /api/jobs/{id}/deliveries/retry`): one message per
delivery id. Visibility 6 x the worker's timeout; a transient failure is received again up to 3 times, then the DLQ."""
DELIVERY_WORKER = Function(
    name="delivery-worker",
    handler="functions.delivery_worker.handler",
    kind="queue",
    queue=DELIVERY_REQUESTS.id,
    description="Sends queued deliveries (deliver now, retries of failed ones) by the pipeline's Deliver path",
    grants=(Grant("jobs", "read_write"), Grant("deliveries", "read_write"), Grant("reports", "read"), *CHANNEL_GRANTS),
    timeout_s=120,
)

CHANNEL_SENDERS: tuple[str, ...] = ("pipeline-deliver", DELIVERY_SWEEPER.name, DELIVERY_WORKER.name)
"""Names of the functions that run delivery channels (the pipeline's Deliver step, the sweeper, the delivery worker
that sends deliver-now and retried deliveries: the reporting API only queues them);
each has `CHANNEL_GRANTS`. `DeliveryConstruct` grants each what the channels need beyond the catalog: SFTP key secrets,
customer buckets, SNS push."""

EMAIL_SENDERS: tuple[str, ...] = (DELIVERY_SWEEPER.name, JOB_SWEEPER.name, DELIVERY_WORKER.name)
"""The delivery functions that send email (report emails, failure notes): SES send and quota, the API's base URL."""

TABLES: tuple[Table, ...] = (INBOX, DISTRIBUTION_STATS, SEND_RATE, TENANT_BUCKETS)
BUCKETS: tuple[Bucket, ...] = ()
QUEUES: tuple[Queue, ...] = (DELIVERY_REQUESTS,)
LAKE_TABLES: tuple[LakeTable, ...] = ()
KEYS: tuple[EncryptionKey, ...] = (CHANNEL_SECRETS,)
FUNCTIONS: tuple[Function, ...] = (INBOX_API, REPORTING_API, DELIVERY_SWEEPER, JOB_SWEEPER, DELIVERY_WORKER)
