"""A channel's configuration as stored on the subscription, read back under the channel's model at send time."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from shared.delivery import sealing
from shared.delivery.channel import Artifact, DeliveryContext
from shared.errors import PermanentError

ConfigT = TypeVar("ConfigT", bound=BaseModel)


def parse_config(model: type[ConfigT], context: DeliveryContext, artifacts: list[Artifact]) -> ConfigT:
    """`context.config`, its sealed secrets opened, validated by `model`, checked before anything is sent: a
    configuration that no longer validates or opens, or nothing to deliver, is a permanent failure."""
    if not artifacts:
        raise PermanentError(f"delivery {context.delivery_id} has nothing to deliver: the job has no artifact")
    try:
        return model.model_validate(sealing.open_config(context.config, context.tenant_id))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in error.errors())
        raise PermanentError(
            f"the {context.channel} configuration of delivery {context.delivery_id} is invalid: {problems}"
        ) from None
