"""Job artifacts: the download route's link, the short-lived presigned URL behind it, removal of an export."""

from __future__ import annotations

from shared.aws import client, presigning_client
from shared.catalog.platform import REPORTS_BUCKET
from shared.settings import get_settings


def download_link(job_id: str, fmt: str) -> str:
    """The API's download route of one artifact (a 302 to a fresh presigned URL): what replies and channels link to."""
    return f"{get_settings().api_base_url.rstrip('/')}/api/reports/exports/{job_id}/download?format={fmt}"


def presigned_url(key: str, filename: str, content_type: str) -> str:
    """A GET URL for one artifact, valid `download_url_ttl_s` (5 minutes by default), signed with SigV4 in the
    bucket's region (the stack's: the function's own)."""
    settings = get_settings()
    url: str = presigning_client("s3", settings.region).generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings.name_of(REPORTS_BUCKET),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            "ResponseContentType": content_type,
        },
        ExpiresIn=settings.download_url_ttl_s,
    )
    return url


def delete(keys: list[str]) -> None:
    """Remove artifacts (a missing key is not an error: S3 deletes are idempotent)."""
    if keys:
        client("s3").delete_objects(
            Bucket=get_settings().name_of(REPORTS_BUCKET),
            Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
        )
