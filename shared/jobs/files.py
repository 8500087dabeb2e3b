"""S3 access for job artifacts: the short-lived presigned URL behind the download route."""

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


def exists(key: str) -> bool:
    try:
        client("s3").head_object(Bucket=get_settings().name_of(REPORTS_BUCKET), Key=key)
    except client("s3").exceptions.ClientError:
        return False
    return True
