"""Notification reports (seed 000): the notifications table, device registrations, the harvester and push queues,
the device event logs and the report extracts in the lake, and their functions."""

from __future__ import annotations

from shared.catalog.model import (
    Bucket,
    Column,
    EncryptionKey,
    Expiry,
    Function,
    Grant,
    Index,
    Key,
    LakeTable,
    Queue,
    Table,
)
from shared.catalog.platform import IDEMPOTENCY, SINGLE_FLIGHT

BY_TYPE = Index("sentTime-index", Key("type"), Key("sentTime"))
"""Every record of a type by send time (dry runs included)."""
LIVE_BY_TYPE = Index("live-sentTime-index", Key("liveType"), Key("sentTime"))
"""Sparse: `liveType` is written only on records that are not dry runs, so dry runs are never read."""
BY_DAY = Index("sentDay-index", Key("sentDay"), Key("sentTime"))
"""Every record of a UTC day (`sentDay` = YYYY-MM-DD) by send time: all types in one Query per day."""
LIVE_BY_DAY = Index("live-sentDay-index", Key("liveDay"), Key("sentTime"))
"""Sparse: `liveDay` is written only on records that are not dry runs."""

NOTIFICATIONS = Table(
    id="notifications",
    env_var="NOTIFICATIONS_TABLE",
    partition_key=Key("id"),
    indexes=(BY_TYPE, LIVE_BY_TYPE, BY_DAY, LIVE_BY_DAY),
    ttl_attribute="ttl",
)
"""A report query reads the one index whose partition holds exactly what it asks for, so no item is read and dropped."""
REGISTRATIONS = Table(
    id="device-registrations",
    env_var="DEVICE_REGISTRATIONS_TABLE",
    partition_key=Key("topic"),
    sort_key=Key("shardToken"),
)
"""Which device (push token, platform) follows which topic; `shardToken` is `<shard:02d>#<token>`."""
EVENT_LOGS_BUCKET = Bucket(id="event-logs", env_var="EVENT_LOGS_BUCKET", expiries=(Expiry("", 21),))

HARVESTER_QUEUE = Queue(
    id="harvester",
    env_var="HARVESTER_QUEUE",
    dlq_env_var="HARVESTER_DLQ",
    visibility_timeout_s=120,
    max_receive_count=3,
)
"""Send requests, one per (notification, registration shard), queued by `POST /api/notifications`."""

PLATFORMS: tuple[str, ...] = ("ios", "android", "ios-edition", "android-edition")
"""The device platforms, each with its own push queue and worker (an APNs outage never delays FCM)."""


def _push_queue(platform: str) -> Queue:
    env = platform.upper().replace("-", "_")
    return Queue(
        id=f"push-{platform}",
        env_var=f"PUSH_{env}_QUEUE",
        dlq_env_var=f"PUSH_{env}_DLQ",
        visibility_timeout_s=60,
        max_receive_count=3,
    )


PUSH_QUEUES: dict[str, Queue] = {platform: _push_queue(platform) for platform in PLATFORMS}

DAY_PROJECTION = {"type": "date", "range": "2024-01-01,NOW", "format": "yyyy-MM-dd", "interval": "1", "unit": "DAYS"}
"""Partition projection of a `date=YYYY-MM-DD` partition (from 2024 to today)."""

NOTIFICATION_RECEIVED = LakeTable(
    name="notification_received",
    bucket=EVENT_LOGS_BUCKET.id,
    prefix="notification-received",
    columns=(
        Column("notificationId", "varchar"),
        Column("platform", "varchar"),
        Column("provider", "varchar"),
        Column("timestamp", "varchar"),
    ),
    partitions=(Column("date", "varchar"), Column("hour", "varchar")),
    projection={
        "date": DAY_PROJECTION,
        "hour": {"type": "integer", "range": "0,23", "digits": "2"},
    },
)
"""Device `notification/received` calls: JSON lines under `date=YYYY-MM-DD/hour=HH/`, `timestamp` in `clock.iso`."""

N10N_RAW_EVENTS = LakeTable(
    name="n10n_raw_events",
    bucket=EVENT_LOGS_BUCKET.id,
    prefix="fastly",
    columns=(
        Column("querystring", "varchar"),
        Column("event", "varchar"),
        Column("datetime", "varchar"),
    ),
    partitions=(Column("date", "varchar"), Column("hour", "varchar")),
    projection={
        "date": DAY_PROJECTION,
        "hour": {"type": "integer", "range": "0,23", "digits": "2"},
    },
)
"""mobile-n10n's raw Fastly event lines (its `raw_events` table): `{"querystring": "notificationId=..&platform=..
&provider=..", "event": "/notification/received", "datetime": "YYYY-MM-DDTHH:MM:SS"}` under `date=/hour=`."""

NOTIFICATION_REPORTS = LakeTable(
    name="notification_reports",
    bucket="data-lake",
    prefix="notification-reports",
    columns=(
        Column("id", "varchar"),
        Column("type", "varchar"),
        Column("sentTime", "varchar"),
        Column("dryRun", "boolean"),
        Column("title", "varchar"),
        Column("message", "varchar"),
        Column("totalRegistrationCount", "bigint"),
        Column("recipients_ios", "bigint"),
        Column("recipients_android", "bigint"),
        Column("recipients_iosEdition", "bigint"),
        Column("recipients_androidEdition", "bigint"),
        Column("received_total", "bigint"),
        Column("received_ios", "bigint"),
        Column("received_android", "bigint"),
        Column("received_iosEdition", "bigint"),
        Column("received_androidEdition", "bigint"),
    ),
    partitions=(Column("date", "varchar"),),
    projection={
        "date": DAY_PROJECTION,
    },
)
"""The daily extract of notification reports: `date=YYYY-MM-DD/notifications.json`, one record a line."""
N10N_EXTRACT_PREFIX = "ophan/data"
"""With `N10N_EXTRACT`, the extractor also writes mobile-n10n's layout for Ophan under
`<data-lake>/ophan/data/date=YYYY-MM-DD/notifications.json` (one raw record a line, n10n's four exported types)."""

API_KEYS = Table(id="api-keys", env_var="API_KEYS_TABLE", partition_key=Key("id"))
"""API keys of the mobile-n10n compatible routes: `id` is the SHA-256 (hex) of the key, which is never stored."""

NOTIFICATIONS_API = Function(
    name="notifications-api",
    handler="functions.notifications_api.handler",
    kind="api",
    description="Send a notification (deduplicated) and serve notification reports by date range",
    routes=("POST /api/notifications", "GET /api/notifications", "GET /api/notifications/{id}"),
    grants=(
        Grant(NOTIFICATIONS.id, "read_write"),
        Grant(REGISTRATIONS.id, "read"),
        Grant(HARVESTER_QUEUE.id, "send"),
    ),
)
API_KEY_AUTHORIZER = Function(
    name="api-key-authorizer",
    handler="functions.api_key_authorizer.handler",
    kind="task",
    description="Lambda REQUEST authorizer of the mobile-n10n compatible routes: a Bearer API key, looked up by hash",
    memory_mb=256,
    timeout_s=5,
    grants=(Grant(API_KEYS.id, "read"),),
)
N10N_REPORTS_API = Function(
    name="n10n-reports-api",
    handler="functions.n10n_reports_api.handler",
    kind="api",
    description="mobile-n10n's report routes (GET /notifications, /notifications/{id}, /healthcheck), API-key auth",
    routes=("GET /notifications", "GET /notifications/{id}"),
    public_routes=("GET /healthcheck",),
    authorizer=API_KEY_AUTHORIZER.name,
    timeout_s=29,
    grants=(Grant(NOTIFICATIONS.id, "read"),),
)
API_KEYS_API = Function(
    name="api-keys-api",
    handler="functions.api_keys_api.handler",
    kind="api",
    description="Create, list and revoke the API keys of the mobile-n10n compatible routes (platform admins)",
    routes=("POST /api/api-keys", "GET /api/api-keys", "DELETE /api/api-keys/{id}"),
    grants=(Grant(API_KEYS.id, "read_write"),),
)
HARVESTER = Function(
    name="notification-harvester",
    handler="functions.notification_harvester.handler",
    kind="queue",
    queue=HARVESTER_QUEUE.id,
    description="Reads one registration shard per send request and queues one push per device on its platform queue",
    timeout_s=90,
    grants=(
        Grant(REGISTRATIONS.id, "read"),
        Grant(IDEMPOTENCY.id, "read_write"),
        *(Grant(q.id, "send") for q in PUSH_QUEUES.values()),
    ),
)
PUSH_WORKERS: dict[str, Function] = {
    platform: Function(
        name=f"push-worker-{queue.id.removeprefix('push-')}",
        handler="functions.push_worker.handler",
        kind="queue",
        queue=queue.id,
        description=f"Sends {platform} pushes through the push provider, at most once per device",
        timeout_s=50,
        grants=(Grant(IDEMPOTENCY.id, "read_write"),),
    )
    for platform, queue in PUSH_QUEUES.items()
}
RECEIVED_COUNTER = Function(
    name="notification-received-counter",
    handler="functions.notification_received_counter.handler",
    kind="cron",
    schedule="cron(2/5 * * * ? *)",
    timeout_s=300,
    description="Counts notification/received events per notification and platform and sets them on the reports",
    grants=(Grant(NOTIFICATIONS.id, "write"), SINGLE_FLIGHT),
)
"""Its Athena, Glue and lake permissions come from the AnalyticsConstruct (`cdk/concerns/notifications.py`)."""
REPORT_EXTRACTOR = Function(
    name="notification-report-extractor",
    handler="functions.notification_report_extractor.handler",
    kind="cron",
    schedule="cron(0 1 * * ? *)",
    timeout_s=300,
    description="Writes yesterday's notification reports, every page, as NDJSON to the data lake",
    grants=(Grant(NOTIFICATIONS.id, "read"), Grant(NOTIFICATION_REPORTS.bucket, "write")),
    environment={"N10N_EXTRACT": "false"},
)
"""`N10N_EXTRACT=true` (or `{"n10nLayout": true}` in the event) also writes mobile-n10n's layout for Ophan."""

TABLES: tuple[Table, ...] = (NOTIFICATIONS, REGISTRATIONS, API_KEYS)
BUCKETS: tuple[Bucket, ...] = (EVENT_LOGS_BUCKET,)
QUEUES: tuple[Queue, ...] = (HARVESTER_QUEUE, *PUSH_QUEUES.values())
LAKE_TABLES: tuple[LakeTable, ...] = (NOTIFICATION_RECEIVED, N10N_RAW_EVENTS, NOTIFICATION_REPORTS)
KEYS: tuple[EncryptionKey, ...] = ()
FUNCTIONS: tuple[Function, ...] = (
    NOTIFICATIONS_API,
    HARVESTER,
    *PUSH_WORKERS.values(),
    RECEIVED_COUNTER,
    REPORT_EXTRACTOR,
    API_KEY_AUTHORIZER,
    N10N_REPORTS_API,
    API_KEYS_API,
)
