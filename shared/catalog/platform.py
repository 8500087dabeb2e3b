"""Platform-wide entries: the open health check, the API docs, the dashboard page, idempotency records, the shared
buckets."""

from __future__ import annotations

from shared.catalog.model import (
    Bucket,
    EncryptionKey,
    Expiry,
    Function,
    Grant,
    Key,
    LakeTable,
    Queue,
    Table,
    UserDirectory,
)

IDEMPOTENCY = Table(id="idempotency", env_var="IDEMPOTENCY_TABLE", partition_key=Key("id"), ttl_attribute="expiration")
LEASES = Table(id="leases", env_var="LEASES_TABLE", partition_key=Key("leaseId"), ttl_attribute="expiresAt")
"""Single-flight leases (`shared.leases`): one item per function that must not run twice at once."""
SINGLE_FLIGHT = Grant(LEASES.id, "read_write")
"""The grant of every function wrapped in `shared.leases.single_flight`."""

EXPORTS = Expiry("exports/", 30)
"""Report artifacts live 30 days; download links (`EXPORT_TTL_DAYS`) may not outlive them."""

REPORTS_BUCKET = Bucket(
    id="reports",
    env_var="REPORTS_BUCKET",
    expiries=(EXPORTS, Expiry("work/", 7)),
    browser_downloads=True,
)
"""Report artifacts (`exports/`) and the pipeline's intermediate data (`work/`)."""
DATA_LAKE_BUCKET = Bucket(id="data-lake", env_var="DATA_LAKE_BUCKET")
ATHENA_RESULTS_BUCKET = Bucket(id="athena-results", env_var="ATHENA_RESULTS_BUCKET", expiries=(Expiry("", 7),))

HEALTH_API = Function(
    name="health-api",
    handler="functions.health_api.handler",
    kind="api",
    description="GET /health, the API's open liveness check",
    public_routes=("GET /health",),
    memory_mb=256,
)
DOCS_API = Function(
    name="docs-api",
    handler="functions.docs_api.handler",
    kind="api",
    description="The OpenAPI document of every route and its Swagger UI (public: they describe routes, hold no data)",
    public_routes=("GET /api/openapi.json", "GET /api/docs"),
)

USERS = UserDirectory(id="users", env_var="USER_POOL_ID")
"""Who the platform's users are (email, name, tenant, roles): recipients' addresses come from here."""
ASYNC_FAILURES = Queue(id="async-failures", env_var="ASYNC_FAILURES_QUEUE", visibility_timeout_s=60)
"""Lambda's on-failure destination of every asynchronously invoked function (crons, EventBridge rules): a run that
failed after Lambda's two retries lands here with its event and error, never silently dropped."""
PRE_TOKEN_GENERATION = Function(
    name="pre-token-generation",
    handler="functions.pre_token_generation.handler",
    kind="user-pool-trigger",
    description="Cognito pre-token-generation trigger: adds the user's tenant and roles claims to the ID token",
    memory_mb=128,
    timeout_s=5,
)

DIRECTORIES: tuple[UserDirectory, ...] = (USERS,)
TABLES: tuple[Table, ...] = (IDEMPOTENCY, LEASES)
BUCKETS: tuple[Bucket, ...] = (REPORTS_BUCKET, DATA_LAKE_BUCKET, ATHENA_RESULTS_BUCKET)
QUEUES: tuple[Queue, ...] = (ASYNC_FAILURES,)
LAKE_TABLES: tuple[LakeTable, ...] = ()
KEYS: tuple[EncryptionKey, ...] = ()
DASHBOARD_API = Function(
    name="dashboard-api",
    handler="functions.dashboard_api.handler",
    kind="api",
    description="The dashboard page (GET /) and its bundled assets, served from the code asset (dashboard/dist)",
    public_routes=("GET /", "GET /assets/{proxy+}"),
    memory_mb=256,
)

FUNCTIONS: tuple[Function, ...] = (HEALTH_API, DOCS_API, DASHBOARD_API, PRE_TOKEN_GENERATION)
