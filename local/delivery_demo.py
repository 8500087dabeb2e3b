"""Demo deliveries: a stored artifact and delivery contexts for every channel, reused by tests, the delivery benchmark
and `make run` (which files a few reports in the demo admin's inbox and records a day of distribution stats)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, TextIO

from local.progress import Steps
from shared import clock
from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.delivery import stats
from shared.delivery.channel import Artifact, ChannelName, DeliveryContext
from shared.delivery.channels.inbox import InboxChannel
from shared.settings import get_settings

DEMO_TENANT = "acme"
DEMO_USER = "demo-admin"
REPORT_TYPES = ("clinical-weekly", "usage-summary")
CHANNELS: tuple[ChannelName, ...] = ("email", "webhook", "slack", "s3", "inbox")


def describe_artifact(export_id: str = "exp-0001", **fields: Any) -> Artifact:
    """A report file as the Render step describes it (a PDF in the reports bucket); `fields` override any field."""
    values: dict[str, Any] = {
        "export_id": export_id,
        "bucket": "rp-local-reports",
        "key": f"exports/{DEMO_TENANT}/{export_id}.pdf",
        "format": "pdf",
        "content_type": "application/pdf",
        "size_bytes": 0,
        "title": "Usage Summary",
        "report_type": "usage-summary",
        "period": "2026-11-16 to 2026-11-22",
        "download_url": f"{get_settings().api_base_url}/api/reports/exports/{export_id}/download",
    }
    return Artifact.model_validate({**values, **fields})


def store_artifact(
    export_id: str = "exp-0001", content: bytes = b"%PDF-1.7\n% demo report\n", **fields: Any
) -> Artifact:
    """Put a report file in the reports bucket (as the Render step would) and describe it."""
    bucket = get_settings().name_of(REPORTS_BUCKET)
    artifact = describe_artifact(export_id, bucket=bucket, size_bytes=len(content), **fields)
    client("s3").put_object(Bucket=bucket, Key=artifact.key, Body=content, ContentType=artifact.content_type)
    return artifact


def delivery_context(
    channel: ChannelName,
    config: dict[str, Any],
    delivery_id: str = "dlv-0001",
    recipient: str = DEMO_USER,
    tenant_id: str = DEMO_TENANT,
) -> DeliveryContext:
    return DeliveryContext(
        delivery_id=delivery_id,
        tenant_id=tenant_id,
        job_id="job-0001",
        subscription_id="sub-0001",
        owner_id=DEMO_USER,
        channel=channel,
        recipient=recipient,
        config=config,
    )


def load_demo_deliveries(stream: TextIO) -> str:
    """Three reports in the demo admin's inbox, and 24 hours of distribution stats."""
    inbox = InboxChannel()
    steps = Steps(2, stream)
    steps.step("filing demo reports in the inbox")
    for number in range(1, 4):
        artifact = store_artifact(export_id=f"demo-{number:04d}", title=f"Usage Summary #{number}")
        inbox.send(delivery_context("inbox", {}, delivery_id=f"demo-delivery-{number:04d}"), [artifact])
    steps.step("recording a day of distribution stats")
    rng = random.Random(7)
    now = clock.now()
    attempts = 0
    for hours_ago in range(24):
        moment = now - timedelta(hours=hours_ago)
        for report_type in REPORT_TYPES:
            for channel in CHANNELS:
                for _ in range(rng.randint(0, 3)):
                    outcome: stats.Outcome = "failed" if rng.random() < 0.05 else "delivered"
                    stats.record_attempt(DEMO_TENANT, report_type, channel, outcome, rng.uniform(20, 400), moment)
                    attempts += 1
    return f"3 inbox items for {DEMO_USER}, {attempts} delivery attempts in the stats"
