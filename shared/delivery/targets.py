"""Where a tenant's channels may point, checked when a subscription or a deliver-now is accepted (a 400 naming the
channel) and again by each channel at send time: an S3 bucket the tenant registered, an SFTP key secret of its own."""

from __future__ import annotations

from shared.delivery.registry import MASK
from shared.delivery.tenant_buckets import BUCKET_NAME, root_of
from shared.errors import InvalidInput
from shared.settings import get_settings
from shared.subscriptions.models import ChannelSpec


def check_channel_targets(channels: list[ChannelSpec], tenant_id: str) -> None:
    """InvalidInput for an S3 bucket the tenant has not registered or an SFTP key secret outside its own names.
    Values the channel models refuse anyway (a malformed bucket, a platform bucket) are left to them."""
    for number, spec in enumerate(channels):
        if spec.channel == "sftp":
            secret = spec.config.get("private_key_secret")
            if isinstance(secret, str) and secret != MASK:
                from shared.delivery.channels.sftp import check_secret_of_tenant  # asyncssh: only with an SFTP channel

                try:
                    check_secret_of_tenant(secret, tenant_id)
                except ValueError as error:
                    raise InvalidInput(f"channels[{number}].config.private_key_secret: {error}") from None
        if spec.channel == "s3":
            bucket = spec.config.get("bucket")
            usable = isinstance(bucket, str) and BUCKET_NAME.fullmatch(bucket)
            if usable and bucket not in get_settings().platform_buckets and root_of(tenant_id, str(bucket)) is None:
                raise InvalidInput(
                    f"channels[{number}].config.bucket: {bucket} is not a bucket registered for this tenant (an admin "
                    f"registers it with PUT /api/v1/reporting/buckets/{bucket})"
                )
