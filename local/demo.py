"""Demo data for `make run`: each capability registers a loader here; tests and benchmarks reuse the generators."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from local.analytics_demo import load_analytics
from local.delivery_demo import load_demo_deliveries
from local.demo_trials import load_trials
from local.notifications_demo import load_notifications
from local.progress import Steps
from local.users_demo import load_users

DemoLoader = Callable[[TextIO], str]
"""Loads one kind of demo data into the local AWS, printing progress to the stream; returns a one-line summary."""

LOADERS: list[tuple[str, DemoLoader]] = [
    ("users (the directory)", load_users),
    ("notification reports", load_notifications),
    ("analytics", load_analytics),
    ("clinical trials and report subscriptions", load_trials),
    ("deliveries (inbox items, distribution stats)", load_demo_deliveries),
]


def load_all(stream: TextIO) -> list[str]:
    steps = Steps(len(LOADERS), stream)
    summaries = []
    for name, loader in LOADERS:
        steps.step(f"loading {name}")
        summaries.append(loader(stream))
    return summaries
