"""S3 access for job artifacts: the short-lived presigned URL behind the download route, removal of an export."""

from __future__ import annotations

from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.settings import get_settings


def presigned_url(key: str, filename: str, content_type: str) -> str:
    """A GET URL for one artifact, valid `download_url_ttl_s` (5 minutes by default)."""
    settings = get_settings()
    url: str = client("s3").generate_presigned_url(
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
