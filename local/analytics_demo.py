"""The demo analytics loader of `make run`: four weeks of every tenant's usage events, sessions and device metrics in
the data-lake bucket, and each demo tenant's "Usage Summary" report."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from local.progress import counted
from shared import clock
from shared.reports.defaults import ensure_usage_summary
from shared.reports.demo_data import DEMO_TENANTS, generate

DEMO_DAYS = 28


def load_analytics(stream: TextIO) -> str:
    today = clock.now().date()
    first = today - timedelta(days=DEMO_DAYS - 1)
    data = generate(first, today, days=lambda days: counted(days, "analytics days", DEMO_DAYS, stream))
    for tenant in DEMO_TENANTS:
        ensure_usage_summary(tenant.tenant_id)
    counts = ", ".join(f"{n:,} {name}" for name, n in data.counts.items())
    return f"analytics {first} to {today} for {len(DEMO_TENANTS)} tenants: {counts}; Usage Summary report per tenant"
