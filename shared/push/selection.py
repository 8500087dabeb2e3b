"""The push provider of this process, named by settings (`PUSH_PROVIDER=module:Class`), built once."""

from __future__ import annotations

import importlib
from functools import cache

from shared.errors import ConfigurationError
from shared.push.provider import PushProvider
from shared.settings import get_settings


@cache
def _build(spec: str) -> PushProvider:
    module_name, _, class_name = spec.partition(":")
    try:
        provider_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ConfigurationError(f"PUSH_PROVIDER {spec!r} does not name a class: {error}") from None
    provider: PushProvider = provider_class()
    return provider


def push_provider() -> PushProvider:
    return _build(get_settings().push_provider)
