"""`python -m local capacity`: where the subscriptions come from (a table, the local twin, or a synthetic spike) and
the plan printed for them."""

from __future__ import annotations

import argparse
import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, datetime, timedelta

from local.account import REGION
from shared.capacity.plan import average_cost, express_children_cost, plan_peak
from shared.capacity.profile import Workload, profile_of
from shared.capacity.quotas import Prices, Quotas
from shared.capacity.report import describe
from shared.capacity.source import active_subscriptions
from shared.capacity.workload import Subscribed, due_minutes, peaks
from shared.catalog.pipeline import SUBSCRIPTIONS

SPIKE = Subscribed("0 9 * * 1", "America/New_York", Workload(("pdf",), (("email", 1),)))
"""The synthetic spike: the weekly Usage Summary PDF, emailed to one recipient, Monday 09:00 in New York."""


def quotas_from(pairs: list[str]) -> Quotas:
    values: dict[str, float] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in Quotas.model_fields:
            raise SystemExit(f"unknown quota {name!r}; known: {', '.join(Quotas.model_fields)}")
        try:
            values[name] = float(value)
        except ValueError:
            raise SystemExit(f"quota {name} needs a number, not {value!r}") from None
    return Quotas.model_validate(values)


@contextmanager
def _local_twin() -> Iterator[str]:
    """A local twin loaded with the demo data (as `make run` has it); yields its subscriptions table's name."""
    from local.demo import load_all
    from local.runtime import LocalRuntime

    runtime = LocalRuntime(port=0).start()
    try:
        with redirect_stdout(io.StringIO()):
            load_all(io.StringIO())
        yield runtime.environment[SUBSCRIPTIONS.env_var]
    finally:
        runtime.stop()


def _subscriptions(args: argparse.Namespace) -> list[Subscribed]:
    if args.spike:
        return [SPIKE] * args.spike
    if args.table:
        return list(active_subscriptions(args.table))
    if args.endpoint:
        os.environ.update({"AWS_ENDPOINT_URL": args.endpoint, "AWS_ACCESS_KEY_ID": "local"})
        os.environ.update({"AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
        return list(active_subscriptions(SUBSCRIPTIONS.id))
    with _local_twin() as table:
        return list(active_subscriptions(table))


def run_capacity(args: argparse.Namespace) -> list[str]:
    quotas = quotas_from(args.quota)
    start = datetime.fromisoformat(args.start) if args.start else datetime.now(UTC)
    start = (start if start.tzinfo else start.replace(tzinfo=UTC)).replace(second=0, microsecond=0)
    subscriptions = _subscriptions(args)
    minutes = due_minutes(subscriptions, start, args.days)
    if args.per_minute:
        with open(args.per_minute, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["minute_utc", "reports", "deliveries"])
            writer.writerows([m.start.isoformat(), m.reports, m.deliveries] for m in minutes)
    target = timedelta(minutes=args.target_minutes).total_seconds()
    planned = [plan_peak(m, quotas, target, args.share_queries) for m in peaks(minutes, args.peaks)]
    workloads = [s.workload for s in subscriptions]
    prices = Prices()
    cost = average_cost(workloads, prices, args.share_queries)
    typical = profile_of(workloads[0] if workloads else Workload())
    lines = describe(minutes, planned, quotas, target, args.days, cost, express_children_cost(cost, typical, prices))
    return [f"{len(subscriptions):,} active subscriptions", *lines]
