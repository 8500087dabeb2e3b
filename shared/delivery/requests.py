"""Deliveries sent outside a pipeline run (deliver-now, retrying a job's failed deliveries): queued at once, each sent
by the delivery worker through the same claim → send → record path as the pipeline's Deliver step."""

from __future__ import annotations

from pydantic import BaseModel

from shared import clock
from shared.catalog.delivery import DELIVERY_REQUESTS
from shared.delivery import records, service
from shared.delivery.records import DeliveryRecord
from shared.errors import DependencyFailed, PermanentError, TransientError
from shared.jobs import store as job_store
from shared.jobs.models import FINISHED
from shared.observability import logger
from shared.queue_batches import send_in_batches
from shared.settings import get_settings


class DeliveryRequest(BaseModel):
    """One queued send: the record names everything else (channel, recipient, sealed config)."""

    tenantId: str
    jobId: str
    deliveryId: str


def enqueue(queued: list[DeliveryRecord]) -> list[str]:
    """Queue one send per record; returns their ids. A queue that refuses them is a 502 saying what was queued."""
    bodies = [
        DeliveryRequest(tenantId=r.tenantId, jobId=r.jobId, deliveryId=r.deliveryId).model_dump_json() for r in queued
    ]
    outcome = send_in_batches(get_settings().name_of(DELIVERY_REQUESTS), bodies)
    if outcome.failed:
        raise DependencyFailed(
            f"{outcome.sent} of {len(bodies)} deliveries were queued; the rest could not be queued (retry the request: "
            "nothing is sent twice)"
        )
    return [r.deliveryId for r in queued]


def send_one(request: DeliveryRequest, last_receive: bool = False) -> DeliveryRecord:
    """Send one queued delivery once (a delivered one is not sent again); TransientError is raised for the queue's
    redelivery, except on the queue's last receive, where the delivery is failed for good (the sweeper adds no third
    layer; the retry route sends it again); anything else leaves the record failed with its cause. A finished job's
    summary follows."""
    record = records.get(request.tenantId, request.deliveryId)
    job = job_store.get(request.tenantId, request.jobId)
    if record is None or job is None:
        raise PermanentError(f"delivery {request.deliveryId} of job {request.jobId} no longer exists")
    try:
        done = service.deliver(service.context_of(record), service.artifacts_of(job))
    except PermanentError as error:
        logger.info("queued delivery failed for good", extra={"delivery_id": record.deliveryId, "error": f"{error}"})
        done = records.get(request.tenantId, request.deliveryId) or record
    except TransientError:
        if not last_receive:
            raise
        done = service.end_retries_of(request.tenantId, request.deliveryId) or record
    if job.status in FINISHED and record.kind == "report" and job.subscriptionId is not None:
        job_store.set_delivery_summary(job.tenantId, job.jobId, service.delivery_summary(job), clock.iso(clock.now()))
    return done
