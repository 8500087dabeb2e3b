"""The pipeline's intermediate data in the reports bucket under `work/<tenant>/<job>/` (expires after 7 days)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.errors import PermanentError, TransientError
from shared.settings import get_settings


def bucket() -> str:
    return get_settings().name_of(REPORTS_BUCKET)


def prefix(tenant_id: str, job_id: str) -> str:
    return f"work/{tenant_id}/{job_id}/"


def put_json(tenant_id: str, job_id: str, name: str, value: Any) -> str:
    key = f"{prefix(tenant_id, job_id)}{name}.json"
    body = json.dumps(value, separators=(",", ":"), default=str).encode()
    client("s3").put_object(
        Bucket=bucket(), Key=key, Body=body, ContentType="application/json", ServerSideEncryption="aws:kms"
    )
    return key


def get_json(key: str) -> Any:
    try:
        body = client("s3").get_object(Bucket=bucket(), Key=key)["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
            raise PermanentError(f"intermediate data {key} is gone (expired or removed)") from error
        raise TransientError(f"could not read {key}: {error}") from error
    except BotoCoreError as error:
        raise TransientError(f"could not read {key}: {error}") from error
    return json.loads(body)


def clear(tenant_id: str, job_id: str) -> int:
    """Remove a finished job's intermediate data; the lifecycle rule would, a week later."""
    s3 = client("s3")
    listed = s3.list_objects_v2(Bucket=bucket(), Prefix=prefix(tenant_id, job_id)).get("Contents", [])
    if listed:
        s3.delete_objects(Bucket=bucket(), Delete={"Objects": [{"Key": o["Key"]} for o in listed], "Quiet": True})
    return len(listed)
