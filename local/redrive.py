"""`python -m local redrive-dlq --queue <id>`: finds a catalogued queue's URLs and re-drives its DLQ.

URLs come from the catalog's environment variables (as set in a function's environment, or exported by hand in AWS);
without them, and with `AWS_ENDPOINT_URL` pointing at a local AWS (`make run` prints it), from the local names."""

from __future__ import annotations

import os

from local.resources import physical_name
from shared import catalog
from shared.aws import client
from shared.delivery.redrive import RedriveResult, queue_urls, redrive
from shared.errors import ConfigurationError


def catalogued_queue(queue_id: str) -> catalog.Queue:
    queues = {q.id: q for q in catalog.QUEUES}
    if queue_id not in queues:
        known = ", ".join(sorted(queues)) or "none yet"
        raise SystemExit(f"no queue {queue_id!r} in the catalog (known: {known})")
    queue = queues[queue_id]
    if not queue.dlq_env_var:
        raise SystemExit(f"queue {queue_id!r} has no dead-letter queue")
    return queue


def resolve_urls(queue: catalog.Queue) -> tuple[str, str]:
    """(DLQ URL, queue URL)."""
    try:
        return queue_urls(queue)
    except ConfigurationError:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            raise SystemExit(
                f"set {queue.env_var} and {queue.dlq_env_var} to the queue URLs, or AWS_ENDPOINT_URL to the local AWS"
            ) from None
    sqs = client("sqs")
    dlq = sqs.get_queue_url(QueueName=physical_name(f"{queue.id}-dlq"))["QueueUrl"]
    return str(dlq), str(sqs.get_queue_url(QueueName=physical_name(queue.id))["QueueUrl"])


def redrive_catalogued_queue(queue_id: str, max_per_second: int | None = None, wait: bool = False) -> RedriveResult:
    dlq_url, url = resolve_urls(catalogued_queue(queue_id))
    return redrive(dlq_url, url, max_per_second=max_per_second, wait=wait)
