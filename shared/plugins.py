"""Registries of plugins named `module:Class`: each is imported and built the first time it is asked for, so a
framework never imports its plugins and a function pays only for the ones it uses."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class LazyRegistry(dict[str, T], Generic[T]):
    """name → instance, filled on first use from `classes` (name → `module:Class`); KeyError for an unknown name."""

    def __init__(self, classes: Mapping[str, str]) -> None:
        super().__init__()
        self.classes = classes

    def __missing__(self, name: str) -> T:
        if name not in self.classes:
            raise KeyError(name)
        module, _, class_name = self.classes[name].partition(":")
        instance: T = getattr(importlib.import_module(module), class_name)()
        self[name] = instance
        return instance
