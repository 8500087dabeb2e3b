"""The channel registry (name → channel) and the one place a subscription's channels are checked.

The delivery team adds webhook, slack, sftp, s3, inbox and push here; a channel may also define
`check_recipient(recipient)`, called for every recipient."""

from __future__ import annotations

from pydantic import ValidationError

from shared.delivery.channel import Channel
from shared.delivery.email import EmailChannel
from shared.errors import InvalidInput
from shared.subscriptions.models import ChannelSpec

CHANNELS: dict[str, Channel] = {"email": EmailChannel()}


def channel_for(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise InvalidInput(f"channel {name!r} is not available; available: {', '.join(sorted(CHANNELS))}") from None


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
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
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
