"""S3 channel: a server-side copy of each artifact to a bucket the tenant registered, or the platform's own area.

Keys follow `root + prefix + key_pattern` (placeholders: report_type, export_id, date, format, file_name), where
`root` is the prefix the tenant registered the bucket with (`shared.delivery.tenant_buckets`). A bucket the delivery's
tenant has not registered, and every bucket of the platform itself, is refused before anything is copied. Without a
bucket the copy goes to the platform's reports bucket under `deliveries/<tenant>/`. Every key is checked to stay under
its root (no `..`, `.` or empty segment). A KMS key id, when configured, is used for SSE-KMS on the copy; the bucket's
default encryption applies otherwise.
"""

from __future__ import annotations

from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import clock
from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.delivery.channel import Artifact, ChannelName, ChannelReceipt, DeliveryContext
from shared.delivery.channels.aws_failures import as_channel_error
from shared.delivery.channels.naming import DEFAULT_KEY_PATTERN, check_key_pattern, render_key
from shared.delivery.channels.stored_config import parse_config
from shared.delivery.tenant_buckets import BUCKET_NAME, key_prefix
from shared.delivery.tenant_buckets import root_of as registered_root
from shared.errors import PermanentError
from shared.settings import get_settings

COPY_OBJECT_LIMIT = 5 * 1024**3
"""CopyObject's own size limit; larger artifacts go through the managed (multipart) copy."""
PLATFORM_PREFIX = "deliveries"


class S3Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bucket: str | None = Field(None, description="the customer's bucket; none: the platform's reports bucket")
    prefix: str = Field("", max_length=512, description="key prefix, e.g. `reports/weekly/`")
    key_pattern: str = Field(DEFAULT_KEY_PATTERN, max_length=512)
    kms_key_id: str | None = Field(None, description="KMS key id or ARN for SSE-KMS on the copy")
    expected_bucket_owner: str | None = Field(
        None, pattern=r"^\d{12}$", description="the account that must own the bucket (guards against a renamed one)"
    )

    @field_validator("bucket")
    @classmethod
    def _bucket_name(cls, bucket: str | None) -> str | None:
        if bucket is not None and not BUCKET_NAME.fullmatch(bucket):
            raise ValueError("not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)")
        if bucket is not None and bucket in get_settings().platform_buckets:
            raise ValueError(f"{bucket} is a bucket of the platform itself: leave the bucket out for its own area")
        return bucket

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, prefix: str) -> str:
        return key_prefix(prefix)

    @field_validator("key_pattern")
    @classmethod
    def _pattern(cls, pattern: str) -> str:
        return check_key_pattern(pattern)


class S3Receipt(ChannelReceipt):
    bucket: str
    keys: list[str]


def destination(config: S3Config, context: DeliveryContext) -> tuple[str, str, str]:
    """The bucket, the root no key may leave, and the key prefix a delivery goes to: a bucket the tenant registered
    (PermanentError for any other, and for the platform's own), or the platform's area of the tenant."""
    if not config.bucket:
        root = f"{PLATFORM_PREFIX}/{context.tenant_id}/"
        return get_settings().name_of(REPORTS_BUCKET), root, root + config.prefix
    if config.bucket in get_settings().platform_buckets:
        raise PermanentError(f"s3://{config.bucket} is a bucket of the platform itself: nothing is delivered into it")
    try:
        registered = registered_root(context.tenant_id, config.bucket)
    except (BotoCoreError, ClientError) as error:
        raise as_channel_error(error, f"reading the registration of bucket {config.bucket}") from None
    if registered is None:
        raise PermanentError(
            f"s3://{config.bucket} is not a bucket registered for this tenant (an admin registers it with "
            f"PUT /api/v1/reporting/buckets/{config.bucket})"
        )
    return config.bucket, registered, registered + config.prefix


def contained_key(root: str, key: str) -> str:
    """`key`, provided it lies under `root` as S3 and every reader see it: no `..`, `.` or empty segment."""
    segments = key.split("/")
    if not key.startswith(root) or any(segment in ("", ".", "..") for segment in segments):
        raise PermanentError(f"the key {key!r} would leave {root or 'the bucket root'}: nothing was copied")
    return key


def copy_arguments(config: S3Config, artifact: Artifact) -> dict[str, Any]:
    extra: dict[str, Any] = {"ContentType": artifact.content_type, "MetadataDirective": "REPLACE"}
    if config.kms_key_id:
        extra |= {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": config.kms_key_id, "BucketKeyEnabled": True}
    if config.expected_bucket_owner:
        extra["ExpectedBucketOwner"] = config.expected_bucket_owner
    return extra


class S3Channel:
    name: ClassVar[ChannelName] = "s3"
    config_model: ClassVar[type[BaseModel]] = S3Config

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> S3Receipt:
        config = parse_config(S3Config, context, artifacts)
        bucket, root, prefix = destination(config, context)
        delivered_at = clock.now()
        s3 = client("s3")
        keys = []
        for artifact in artifacts:
            key = contained_key(root, prefix + render_key(config.key_pattern, artifact, delivered_at))
            source = {"Bucket": artifact.bucket, "Key": artifact.key}
            extra = copy_arguments(config, artifact)
            extra["Metadata"] = {"delivery-id": context.delivery_id, "export-id": artifact.export_id}
            try:
                if artifact.size_bytes < COPY_OBJECT_LIMIT:
                    s3.copy_object(CopySource=source, Bucket=bucket, Key=key, **extra)
                else:
                    extra.pop("MetadataDirective")
                    s3.copy(source, bucket, key, ExtraArgs=extra)
            except (BotoCoreError, ClientError) as error:
                doing = f"copying s3://{artifact.bucket}/{artifact.key} to s3://{bucket}/{key}"
                raise as_channel_error(error, doing) from None
            keys.append(key)
        return S3Receipt(detail=f"copied {len(keys)} file(s) to s3://{bucket}/{prefix}", bucket=bucket, keys=keys)
