"""Dashboard inbox channel: files the report in the recipient's inbox (`GET /api/inbox`), once per delivery id.

The recipient is the user id (the token's `sub`) within the delivery's tenant."""

from __future__ import annotations

from typing import ClassVar

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict

from shared.delivery.channel import Artifact, ChannelName, ChannelReceipt, DeliveryContext
from shared.delivery.channels.aws_failures import as_channel_error
from shared.delivery.channels.stored_config import parse_config
from shared.inbox import logic
from shared.inbox.models import InboxFile, NewInboxItem


class InboxConfig(BaseModel):
    """Nothing to configure: the item goes to the recipient user's inbox."""

    model_config = ConfigDict(extra="forbid")


class InboxChannel:
    name: ClassVar[ChannelName] = "inbox"
    config_model: ClassVar[type[BaseModel]] = InboxConfig

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> ChannelReceipt:
        parse_config(InboxConfig, context, artifacts)
        first = artifacts[0]
        new = NewInboxItem(
            tenant_id=context.tenant_id,
            user_id=context.recipient,
            delivery_id=context.delivery_id,
            job_id=context.job_id,
            title=first.title,
            report_type=first.report_type,
            period=first.period,
            files=[
                InboxFile(export_id=a.export_id, format=a.format, link=a.download_url, size_bytes=a.size_bytes)
                for a in artifacts
            ],
        )
        try:
            item_id, created = logic.file_item(new)
        except (BotoCoreError, ClientError) as error:
            raise as_channel_error(error, f"filing delivery {context.delivery_id} in the inbox") from None
        state = "filed in" if created else "already in"
        return ChannelReceipt(detail=f"{state} the inbox of user {context.recipient}", external_id=item_id)
