"""Environment variables parsed once into one pydantic settings model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.catalog import BUCKETS, Function, Grant, Queue, Resource, function_named, resource_by_id, resource_env_vars
from shared.catalog.platform import EXPORTS
from shared.errors import ConfigurationError


class Settings(BaseModel):
    """What a function reads from its environment. CDK sets it in AWS; the local runtime sets it on a laptop."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    stage: str = Field("", alias="STAGE")
    """`local` only on a laptop (it allows loopback webhook and SFTP targets); unset is never local, and a deployed
    function refuses to start without it (`check_environment`)."""
    catalog_function: str | None = Field(None, alias="CATALOG_FUNCTION")
    """The catalog name of the function this process runs (CDK sets it; the local twin too)."""
    region: str = Field("us-east-1", alias="AWS_REGION")
    resources: dict[str, str] = Field(default_factory=dict)
    """Physical resource names, keyed by the catalog's environment variable."""
    state_machine_arn: str | None = Field(None, alias="STATE_MACHINE_ARN")
    api_base_url: str = Field("http://127.0.0.1:8000", alias="API_BASE_URL")
    max_body_bytes: int = Field(1_048_576, alias="MAX_BODY_BYTES", gt=0)
    sender_email: str = Field("reports@example.com", alias="SENDER_EMAIL")
    notification_ttl_months: int = Field(3, alias="NOTIFICATION_TTL_MONTHS", gt=0)
    """Records of every type but breaking news are deleted this many calendar months after sending (n10n: 3)."""
    dry_run_ttl_days: int = Field(7, alias="DRY_RUN_TTL_DAYS", gt=0)
    report_row_limit: int = Field(1000, alias="REPORT_ROW_LIMIT", gt=0)
    download_url_ttl_s: int = Field(300, alias="DOWNLOAD_URL_TTL_SECONDS", gt=0)
    query_engine: Literal["athena", "duckdb"] = Field("athena", alias="QUERY_ENGINE")
    glue_database: str = Field("report_platform", alias="GLUE_DATABASE")
    athena_workgroup: str = Field("primary", alias="ATHENA_WORKGROUP")
    athena_output: str | None = Field(None, alias="ATHENA_OUTPUT")
    """s3://bucket/prefix/ for query results, when the workgroup does not enforce its own."""
    push_provider: str = Field("shared.push.sns_provider:SnsPushProvider", alias="PUSH_PROVIDER")
    """`module:Class` of the push provider; the local runtime names its recording provider here."""
    push_secret_id: str = Field("report-platform/push", alias="PUSH_SECRET_ID")
    """The Secrets Manager secret holding the SNS platform application ARN of each platform (JSON)."""
    harvester_shards: int = Field(16, alias="HARVESTER_SHARDS", gt=0, le=100)
    """Registration shards: one harvester send request per shard."""
    received_window_hours: int = Field(3, alias="RECEIVED_WINDOW_HOURS", gt=0)
    notification_page_size: int = Field(500, alias="NOTIFICATION_PAGE_SIZE", gt=0)
    """Items per DynamoDB query page when the report extractor reads a day."""
    n10n_extract: bool = Field(False, alias="N10N_EXTRACT")
    """The report extractor also writes mobile-n10n's layout for Ophan (`N10N_EXTRACT_PREFIX`)."""
    sftp_secret_prefix: str = Field("report-platform/sftp/", alias="SFTP_SECRET_PREFIX", min_length=1)
    """SFTP channel keys live in Secrets Manager under this name prefix (the delivery role may read nothing else),
    each tenant's under `<prefix><tenant>/`."""
    platform_bucket_names: str = Field("", alias="PLATFORM_BUCKETS")
    """Comma-separated physical names of every bucket of the platform itself (CDK and the local runtime set it): the
    S3 channel never writes to one of them, and none can be registered as a tenant's bucket."""
    cursor_key: str | None = Field(None, alias="CURSOR_KEY", repr=False)
    """The secret (at least 32 characters) whose SHA-256 is the AES-GCM key sealing paging cursors (`shared.items`);
    CDK sets it on every API function from a generated Secrets Manager secret. Unset in the local stage: a key per
    process."""
    inbox_ttl_days: int = Field(180, alias="INBOX_TTL_DAYS", gt=0)
    stats_ttl_days: int = Field(400, alias="STATS_TTL_DAYS", gt=0)
    schedule_group: str = Field("report-subscriptions", alias="SCHEDULE_GROUP")
    """The EventBridge Scheduler group holding one schedule per subscription."""
    scheduler_role_arn: str | None = Field(None, alias="SCHEDULER_ROLE_ARN")
    """The role EventBridge Scheduler assumes to start the state machine."""
    scheduler_dlq_arn: str | None = Field(None, alias="SCHEDULER_DLQ_ARN")
    export_ttl_days: int = Field(EXPORTS.days, alias="EXPORT_TTL_DAYS", gt=0)
    """How long report artifacts are kept (the reports bucket's `exports/` lifecycle removes them after; no longer)."""
    minimum_schedule_interval_minutes: int = Field(15, alias="MINIMUM_SCHEDULE_INTERVAL_MINUTES", gt=0)
    email_attachment_max_bytes: int = Field(2_000_000, alias="EMAIL_ATTACHMENT_MAX_BYTES", ge=0)
    """A report email carries the files as attachments when together they are at most this big (0: links only)."""
    ses_max_send_rate: float | None = Field(None, alias="SES_MAX_SEND_RATE", gt=0)
    """Emails per second; unset: the account's `MaxSendRate` (SES `GetSendQuota`), read once per cold start."""
    delivery_stale_minutes: int = Field(15, alias="DELIVERY_STALE_MINUTES", gt=0)
    """The delivery sweeper takes up deliveries `created` or `sending` unchanged this long (beyond any send)."""
    delivery_retry_sweeps: int = Field(3, alias="DELIVERY_RETRY_SWEEPS", ge=0, le=10)
    """How often the delivery sweeper sends again a delivery left `failed` with a transient cause (waiting
    `DELIVERY_STALE_MINUTES` * 2^n before the n-th) before it fails it for good."""
    delivery_retry_lookback_days: int = Field(7, alias="DELIVERY_RETRY_LOOKBACK_DAYS", gt=0, le=90)
    """Retryable failures last updated longer ago are not read by the sweep (each sweep's read stays bounded)."""
    job_working_timeout_minutes: int = Field(90, alias="JOB_WORKING_TIMEOUT_MINUTES", gt=0)
    """The job sweeper takes up jobs `processing` unchanged this long (beyond the state machine's own timeout)."""
    job_max_redrives: int = Field(1, alias="JOB_MAX_REDRIVES", ge=0)
    """How often a stalled job is started again before the sweeper fails it for good and tells its owner."""
    jwt_issuer: str | None = Field(None, alias="JWT_ISSUER")
    jwt_audience: str | None = Field(None, alias="JWT_AUDIENCE")
    """Comma-separated; with `jwt_issuer`, what the stream authorizer checks (the HTTP API's authorizer's own)."""
    sweep_batch: int = Field(200, alias="SWEEP_BATCH", gt=0, le=1000)
    """At most this many deliveries or jobs per sweep; the rest wait for the next one."""

    @field_validator("export_ttl_days")
    @classmethod
    def _artifacts_outlive_no_file(cls, days: int) -> int:
        """A download link must never outlive its file: the `exports/` lifecycle deletes it after its days."""
        if days > EXPORTS.days:
            raise ValueError(f"EXPORT_TTL_DAYS is {days}; the reports bucket deletes exports after {EXPORTS.days} days")
        return days

    @property
    def platform_buckets(self) -> frozenset[str]:
        """Every bucket of the platform: `PLATFORM_BUCKETS` and each catalogued bucket this function was given."""
        named = {b.strip() for b in self.platform_bucket_names.split(",") if b.strip()}
        return frozenset(named | {self.resources[b.env_var] for b in BUCKETS if b.env_var in self.resources})

    def name_of(self, resource: Resource) -> str:
        """The physical name of a catalogued table, bucket, queue (its URL) or key (its ARN)."""
        try:
            return self.resources[resource.env_var]
        except KeyError:
            raise ConfigurationError(f"environment variable {resource.env_var} is not set") from None

    def dlq_of(self, queue: Queue) -> str:
        """The URL of a queue's dead-letter queue."""
        if not queue.dlq_env_var or queue.dlq_env_var not in self.resources:
            raise ConfigurationError(f"queue {queue.id} has no dead-letter queue in the environment")
        return self.resources[queue.dlq_env_var]

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        resources = {var: env[var] for var in resource_env_vars() if var in env}
        return cls.model_validate({**env, "resources": resources})


def get_settings() -> Settings:
    """The settings of this function, read once per cold start (per function and credentials: one entry in Lambda;
    the local twin runs many functions in one process, each with its own environment)."""
    return _settings_of(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""), os.environ.get("AWS_ACCESS_KEY_ID", ""))


@lru_cache(maxsize=128)
def _settings_of(_function: str, _credentials: str) -> Settings:
    return Settings.from_environ()


def reset_settings() -> None:
    """Forget the cached settings (the local runtime and tests call this after changing the environment)."""
    _settings_of.cache_clear()


def grant_env_var(grant: Grant) -> str:
    """The environment variable a catalog grant gives its function (as `cdk.functions` sets it)."""
    if grant.resource.endswith("-dlq"):
        try:
            queue = resource_by_id(grant.resource[: -len("-dlq")])
        except KeyError:
            queue = None
        if isinstance(queue, Queue) and queue.dlq_env_var:
            return queue.dlq_env_var
    return resource_by_id(grant.resource).env_var


def required_variables(function: Function) -> list[str]:
    """What a function cannot run without: its stage, its grants' resource names and its catalog environment."""
    return ["STAGE", *dict.fromkeys(grant_env_var(g) for g in function.grants), *function.environment]


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Cold-start check: ConfigurationError naming every required variable that is missing (`CATALOG_FUNCTION`
    names the function; without it only `STAGE` is required)."""
    env = os.environ if environ is None else environ
    name = env.get("CATALOG_FUNCTION")
    try:
        required = required_variables(function_named(name)) if name else ["STAGE"]
    except KeyError:
        raise ConfigurationError(f"CATALOG_FUNCTION names no catalogued function: {name!r}") from None
    missing = [variable for variable in required if not env.get(variable)]
    if missing:
        raise ConfigurationError(f"function {name or '?'} cannot start: {', '.join(missing)} not set")
