"""Delivery overhead over 1,000 local webhook deliveries (local AWS + the local HTTP peer on 127.0.0.1).

Per delivery, from "artifact stored" (the Render step's file is in S3) to "handed to the channel": the subscription's
channel config validated under the channel's model, the delivery context built; then, after the channel returns, the
distribution-stats write (one atomic DynamoDB ADD; EMF printing is off in the local runtime).
Also the whole path of `shared.delivery.service.deliver` as the pipeline's Deliver step runs it, on a record planned
beforehand (the Render step's `open_deliveries`, not timed): the claim (`created -> sending`, conditional: the one write
before the send), the channel call, `delivered` recorded and the stats write: three DynamoDB round trips.
Baseline: the bare channel call (sign + POST + 200), measured in the same run, interleaved. Prints p50/p99 in ms and as
ratios to the bare call.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local.delivery_demo import delivery_context, store_artifact
from local.peers import HttpPeer
from local.runtime import LocalRuntime
from shared.delivery import service, stats
from shared.delivery.channel import DeliveryContext
from shared.delivery.channels.webhook import WebhookChannel

DELIVERIES = 1000
WARM_UP = 50
SECRET = "bench-secret-0123456789"  # noqa: S105 - a local test peer's signing key


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    runtime = LocalRuntime(port=0).start()
    peer = HttpPeer().start()
    peer.expect_secret("/hook", SECRET)
    try:
        artifact = store_artifact(export_id="bench-0001")
        channel = WebhookChannel()
        stored_config = {"url": peer.url("/hook"), "secret": SECRET}
        bare_context = delivery_context("webhook", stored_config, "bench-bare")
        bare: list[float] = []
        handover: list[float] = []
        recording: list[float] = []
        overhead: list[float] = []
        end_to_end: list[float] = []
        whole_service: list[float] = []
        for number in range(WARM_UP + DELIVERIES):
            started = time.perf_counter()
            channel.send(bare_context, [artifact])
            bare_ms = (time.perf_counter() - started) * 1000

            stored_at = time.perf_counter()
            config = channel.config_model.model_validate(stored_config).model_dump(mode="json")
            context = DeliveryContext.model_validate(
                {**bare_context.model_dump(), "delivery_id": f"bench-{number:05d}", "config": config}
            )
            handed_at = time.perf_counter()
            channel.send(context, [artifact])
            returned_at = time.perf_counter()
            stats.record_attempt(context.tenant_id, artifact.report_type, "webhook", "delivered", 0.0)
            recorded_at = time.perf_counter()
            service_context = DeliveryContext.model_validate(
                {**context.model_dump(), "delivery_id": f"bench-svc-{number:05d}"}
            )
            service.open_deliveries([service_context])
            service_started = time.perf_counter()
            assert service.deliver(service_context, [artifact]).status == "delivered"
            service_ms = (time.perf_counter() - service_started) * 1000
            if number >= WARM_UP:
                whole_service.append(service_ms)
                bare.append(bare_ms)
                handover.append((handed_at - stored_at) * 1000)
                recording.append((recorded_at - returned_at) * 1000)
                overhead.append(((handed_at - stored_at) + (recorded_at - returned_at)) * 1000)
                end_to_end.append((recorded_at - stored_at) * 1000)
        assert len(peer.requests) == 3 * (WARM_UP + DELIVERIES)
        assert all(r.signature_valid for r in peer.requests)
    finally:
        peer.stop()
        runtime.stop()

    bare_p50, bare_p99 = percentile(bare, 50), percentile(bare, 99)
    print(f"{DELIVERIES} webhook deliveries to 127.0.0.1 (after {WARM_UP} warm-up), stats write to the local AWS")
    print(f"  bare channel call (baseline)       p50 {bare_p50:7.2f} ms   p99 {bare_p99:7.2f} ms   = 1.00")
    for label, values in (
        ("hand-over (config + context)", handover),
        ("stats write (DynamoDB ADD)", recording),
        ("overhead (hand-over + stats write)", overhead),
        ("stored -> handed -> sent -> recorded", end_to_end),
        ("delivery service, planned record", whole_service),
    ):
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(
            f"  {label:35s} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   "
            f"= {p50 / bare_p50:.2f} / {p99 / bare_p99:.2f} x bare (p50 / p99)"
        )
    print(f"  mean end-to-end {statistics.fmean(end_to_end):.2f} ms; seed 003 asks P99 distribution latency < 100 ms")


if __name__ == "__main__":
    main()
