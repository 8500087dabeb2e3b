"""The channel registry (name → channel, each imported on first use) and the one place a subscription's channels
are checked.

A channel may define `check_recipient(recipient)`, called for every recipient. `RESEND_SAFE` names the channels whose
peer recognises a second hand-over of the same delivery id (see `shared.delivery.sweep`)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.delivery import sealing
from shared.delivery.channel import Channel
from shared.errors import DependencyFailed, InvalidInput, PermanentError, TransientError
from shared.plugins import LazyRegistry
from shared.subscriptions.models import ChannelSpec

CHANNEL_CLASSES: dict[str, str] = {
    "email": "shared.delivery.email:EmailChannel",
    "s3": "shared.delivery.channels.s3:S3Channel",
    "webhook": "shared.delivery.channels.webhook:WebhookChannel",
    "slack": "shared.delivery.channels.slack:SlackChannel",
    "sftp": "shared.delivery.channels.sftp:SftpChannel",
    "inbox": "shared.delivery.channels.inbox:InboxChannel",
    "push": "shared.delivery.channels.push:PushChannel",
}
"""Every channel by name → `module:class`. A channel's module (and what it imports: asyncssh for SFTP, urllib3 for
the HTTP peers) is imported the first time that channel is used, so a function pays only for the channels it meets."""


CHANNELS: LazyRegistry[Channel] = LazyRegistry(CHANNEL_CLASSES)

RESEND_SAFE: frozenset[str] = frozenset({"webhook", "s3", "sftp", "inbox"})
"""A send interrupted mid-way is sent again (at least once, the peer deduplicates): the webhook receiver by
`X-Delivery-Id`, S3 and SFTP overwrite the same key/path with the same bytes, the inbox's put is conditional on the
delivery id. Email, Slack and push cannot be recalled or deduplicated: they stay at most once."""


def channel_for(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise InvalidInput(
            f"channel {name!r} is not available; available: {', '.join(sorted(CHANNEL_CLASSES))}"
        ) from None


MASK = "***"


def secret_fields(channel: str) -> set[str]:
    """The config fields the channel's model keeps out of `repr`: signing secrets, credential-bearing URLs, device
    tokens, key names."""
    return {name for name, field in channel_for(channel).config_model.model_fields.items() if not field.repr}


def masked_config(channel: str, config: dict[str, Any]) -> dict[str, Any]:
    """A stored channel config as shown back to people: its secret fields as `***`."""
    secret = secret_fields(channel)
    return {key: MASK if key in secret else value for key, value in config.items()}


def masked_channels(channels: list[ChannelSpec]) -> list[ChannelSpec]:
    return [c.model_copy(update={"config": masked_config(c.channel, c.config)}) for c in channels]


def keep_secrets(channels: list[ChannelSpec], stored: list[ChannelSpec], tenant_id: str) -> list[ChannelSpec]:
    """Channels sent back as they were shown: a secret field given as `***` keeps the stored value (opened, so the
    change can be validated in clear) of the channel at the same position (or else the first stored channel of that
    kind); InvalidInput if none has one to keep or the stored one no longer opens."""
    kept = []
    for number, spec in enumerate(channels):
        masked = [key for key in secret_fields(spec.channel) if spec.config.get(key) == MASK]
        if not masked:
            kept.append(spec)
            continue
        same_place = [stored[number]] if number < len(stored) and stored[number].channel == spec.channel else []
        candidates = same_place + [c for c in stored if c.channel == spec.channel]
        config = dict(spec.config)
        for key in masked:
            value = next((c.config[key] for c in candidates if key in c.config), None)
            if value is None:
                raise InvalidInput(
                    f"channels[{number}].config.{key} is masked ({MASK}) but no stored {spec.channel} channel has one "
                    "to keep: send the value itself"
                )
            config[key] = _opened(value, tenant_id, f"channels[{number}].config.{key}")
        kept.append(spec.model_copy(update={"config": config}))
    return kept


def _opened(value: Any, tenant_id: str, field: str) -> Any:
    try:
        return sealing.open_value(value, tenant_id) if isinstance(value, str) else value
    except PermanentError:
        raise InvalidInput(f"{field}: the stored value can no longer be read; send the value itself") from None
    except TransientError as error:
        raise DependencyFailed(
            f"{field}: the stored value could not be read now ({error}); nothing was changed"
        ) from None


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


def seal_channels(channels: list[ChannelSpec], tenant_id: str) -> list[ChannelSpec]:
    """Validated channels (every value in clear) as they are stored: each secret field sealed for the tenant."""
    sealed = []
    for spec in channels:
        secrets = secret_fields(spec.channel)
        config = {key: _sealed(value, tenant_id) if key in secrets else value for key, value in spec.config.items()}
        sealed.append(spec.model_copy(update={"config": config}))
    return sealed


def _sealed(value: Any, tenant_id: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return sealing.seal(value, tenant_id)
    except (TransientError, PermanentError) as error:
        raise DependencyFailed(f"a channel secret could not be sealed ({error}); nothing was stored") from None
