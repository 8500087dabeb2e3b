"""The channel registry (name → channel) and the one place a subscription's channels are checked.

A channel may define `check_recipient(recipient)`, called for every recipient. `RESEND_SAFE` names the channels whose
peer recognises a second hand-over of the same delivery id (see `shared.delivery.sweep`)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.delivery.channel import Channel
from shared.delivery.channels.inbox import InboxChannel
from shared.delivery.channels.push import PushChannel
from shared.delivery.channels.s3 import S3Channel
from shared.delivery.channels.sftp import SftpChannel
from shared.delivery.channels.slack import SlackChannel
from shared.delivery.channels.webhook import WebhookChannel
from shared.delivery.email import EmailChannel
from shared.errors import InvalidInput
from shared.subscriptions.models import ChannelSpec

CHANNELS: dict[str, Channel] = {
    channel.name: channel
    for channel in (
        EmailChannel(),
        S3Channel(),
        WebhookChannel(),
        SlackChannel(),
        SftpChannel(),
        InboxChannel(),
        PushChannel(),
    )
}

RESEND_SAFE: frozenset[str] = frozenset({"webhook", "s3", "sftp", "inbox"})
"""A send interrupted mid-way is sent again (at least once, the peer deduplicates): the webhook receiver by
`X-Delivery-Id`, S3 and SFTP overwrite the same key/path with the same bytes, the inbox's put is conditional on the
delivery id. Email, Slack and push cannot be recalled or deduplicated: they stay at most once."""


def channel_for(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise InvalidInput(f"channel {name!r} is not available; available: {', '.join(sorted(CHANNELS))}") from None


def masked_config(channel: str, config: dict[str, Any]) -> dict[str, Any]:
    """A stored channel config as shown back to people: the fields its model keeps out of `repr` (signing secrets,
    credential-bearing URLs, device tokens, key names) as `***`."""
    fields = channel_for(channel).config_model.model_fields
    return {key: "***" if key in fields and not fields[key].repr else value for key, value in config.items()}


def validate_channels(channels: list[ChannelSpec]) -> list[ChannelSpec]:
    """Each channel known, its recipients well-formed, its config valid for it; returns the normalised channels."""
    checked = []
    for number, spec in enumerate(channels):
        channel = channel_for(spec.channel)
        check = getattr(channel, "check_recipient", None)
        for recipient in spec.recipients:
            if check is not None:
                check(recipient)
        try:
            config = channel.config_model.model_validate(spec.config)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(config)'}: {e['msg']}" for e in error.errors())
            raise InvalidInput(f"channels[{number}].config is not valid for {spec.channel}: {problems}") from None
        checked.append(
            spec.model_copy(
                update={
                    "recipients": list(dict.fromkeys(spec.recipients)),
                    "config": config.model_dump(mode="json", exclude_none=True),
                }
            )
        )
    return checked
