"""Mobile push channel: tells one device that a report is ready, through a `shared.push.provider.PushProvider`."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.delivery.channel import Artifact, ChannelName, ChannelReceipt, DeliveryContext
from shared.delivery.channels.stored_config import parse_config
from shared.push.provider import Platform, PushProvider
from shared.push.selection import push_provider


class PushConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_token: str = Field(min_length=8, max_length=4096, repr=False)
    platform: Platform


class PushChannel:
    name: ClassVar[ChannelName] = "push"
    config_model: ClassVar[type[BaseModel]] = PushConfig

    def __init__(self, provider: PushProvider | None = None) -> None:
        self._provider = provider

    @property
    def provider(self) -> PushProvider:
        """The given provider, or the one the settings name (`PUSH_PROVIDER`), built on first use."""
        return self._provider if self._provider is not None else push_provider()

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> ChannelReceipt:
        config = parse_config(PushConfig, context, artifacts)
        first = artifacts[0]
        data = {
            "delivery_id": context.delivery_id,
            "job_id": context.job_id,
            "export_id": first.export_id,
            "link": first.download_url,
        }
        message_id = self.provider.send(
            config.device_token, config.platform, first.title, f"{first.period}: ready to download", data
        )
        return ChannelReceipt(detail=f"push sent to a {config.platform} device", external_id=message_id)
