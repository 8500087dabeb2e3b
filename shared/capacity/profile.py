"""What one report run uses, read off the pipeline's ASL (states entered, Lambda steps) and its subscription
(formats, channels, recipients, whether it runs an Athena query)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.catalog import function_named
from shared.pipeline.definition import ASL_PATH, FUNCTION_PLACEHOLDERS

STEP_SECONDS: dict[str, float] = {
    "Start": 0.1,
    "Fetch": 0.5,
    "Aggregate": 0.3,
    "Render": 0.4,
    "DeliverOne": 0.3,
    "Complete": 0.1,
}
"""Assumed warm duration of each Lambda step (seconds), without rendering and without a query's wait."""
RENDER_SECONDS: dict[str, float] = {"pdf": 1.5, "csv": 0.2, "xlsx": 0.6}
"""Assumed rendering time of one small weekly report (a few hundred rows) per format."""
QUERY_SECONDS = 3.0
"""Assumed Athena run time of one report query (queueing and planning included); the Fetch Lambda waits for it."""
QUERY_BYTES = 50 * 1024 * 1024
"""Assumed bytes scanned by one report query (partition-pruned to the report's week)."""
OTHER_STEP_SECONDS = 0.2
MAP_ITEMS_PATH = "$.deliveries"


@dataclass(frozen=True)
class Step:
    """One Lambda step of the pipeline: `parallel` copies run at once (the Deliver Map's items)."""

    state: str
    function: str
    memory_mb: int
    seconds: float
    parallel: int = 1
    emails: int = 0
    query: bool = False


@dataclass(frozen=True)
class ReportProfile:
    steps: tuple[Step, ...]
    transitions: int
    deliveries: int
    emails: int
    query_key: str | None = None
    """Reports with the same key can share one Athena query; None: the report runs no query."""
    query_seconds: float = QUERY_SECONDS
    query_bytes: int = QUERY_BYTES
    s3_puts: int = 0
    s3_gets: int = 0

    @property
    def lambda_invocations(self) -> int:
        return sum(step.parallel for step in self.steps)

    def lambda_gb_seconds(self) -> float:
        return sum(step.seconds * step.parallel * step.memory_mb / 1024 for step in self.steps)


@dataclass(frozen=True)
class Workload:
    """The parts of a subscription that decide what its runs use."""

    formats: tuple[str, ...] = ("pdf",)
    channels: tuple[tuple[str, int], ...] = (("email", 1),)
    """(channel, recipients) pairs."""
    query_key: str | None = None

    @classmethod
    def of(cls, subscription: Mapping[str, Any]) -> Workload:
        """From a stored subscription (its item or model dump): saved reports (`report`) run an Athena query."""
        channels = tuple((c["channel"], len(c.get("recipients") or [])) for c in subscription.get("channels") or [])
        query_key = None
        if subscription.get("reportType") == "report":
            parameters = json.dumps((subscription.get("filters") or {}).get("parameters") or {}, sort_keys=True)
            query_key = f"{subscription.get('tenantId')}/{subscription.get('reportId')}/{parameters}"
        return cls(tuple(subscription.get("formats") or ("pdf",)), channels or (("email", 1),), query_key)

    @property
    def deliveries(self) -> int:
        return sum(recipients for _, recipients in self.channels)

    @property
    def emails(self) -> int:
        return sum(recipients for channel, recipients in self.channels if channel == "email")


def _function_of(state: Mapping[str, Any]) -> str | None:
    parameters = state.get("Parameters") or state.get("Arguments") or {}
    name = str(parameters.get("FunctionName", ""))
    if not name.startswith("${"):
        return None
    return FUNCTION_PLACEHOLDERS.get(name[2:-1])


def _walk(machine: Mapping[str, Any], workload: Workload, steps: list[Step]) -> int:
    """States entered on the happy path (each Choice's `Default`), appending the Lambda steps met; the count."""
    states, name, entered = machine["States"], machine["StartAt"], 0
    while name is not None:
        state = states[name]
        entered += 1
        kind = state["Type"]
        if kind == "Map":
            processor = state.get("ItemProcessor") or state.get("Iterator")
            items = workload.deliveries if state.get("ItemsPath", MAP_ITEMS_PATH) == MAP_ITEMS_PATH else 1
            inner: list[Step] = []
            entered += items * _walk(processor, workload, inner)
            steps += [Step(s.state, s.function, s.memory_mb, s.seconds, items, workload.emails) for s in inner]
        elif kind == "Task" and (function := _function_of(state)) is not None:
            seconds = STEP_SECONDS.get(name, OTHER_STEP_SECONDS)
            if name == "Render":
                seconds += sum(RENDER_SECONDS.get(f, RENDER_SECONDS["pdf"]) for f in workload.formats)
            query = name == "Fetch" and workload.query_key is not None
            steps.append(Step(name, function, function_named(function).memory_mb, seconds, query=query))
        if state.get("End") or kind in ("Succeed", "Fail"):
            break
        name = state.get("Default") if kind == "Choice" else state.get("Next")
    return entered


def profile_of(workload: Workload, definition: Mapping[str, Any] | None = None) -> ReportProfile:
    """What one run of `workload` uses in the pipeline `definition` (default: the project's ASL)."""
    machine = definition if definition is not None else json.loads(ASL_PATH.read_text())
    steps: list[Step] = []
    transitions = _walk(machine, workload, steps)
    artifacts = len(workload.formats)
    return ReportProfile(
        steps=tuple(steps),
        transitions=transitions,
        deliveries=workload.deliveries,
        emails=workload.emails,
        query_key=workload.query_key,
        s3_puts=artifacts + 2,
        s3_gets=artifacts * (workload.deliveries + 1) + 2,
    )
