"""The "Step Functions Execution Status Change" events that AWS puts on the default bus, emitted by the local runtime.

moto emits none. When a local execution ends FAILED, TIMED_OUT or ABORTED, the same event (source `aws.states`,
detail-type and detail as AWS sends them) goes to the same target the status-change rule has in AWS: the mark-failed
function, with the rule target's retry policy and its dead-letter queue. It runs before the execution is reported
ended, so whoever waits for the execution sees the failure recorded."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

from local import lambdas
from local.account import REGION
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_EVENTS_DLQ, STATUS_CHANGE_TARGET
from shared.observability import logger
from shared.pipeline.definition import STATUS_CHANGE_DETAIL_TYPE
from shared.pipeline.state import ENDED_BADLY
from shared.settings import get_settings

_original_terminated = BaseExecutionWorkerCommunication.terminated
_installed = threading.Lock()


def _millis(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment is not None else None


def event_of(execution: Any, status: str) -> dict[str, Any]:
    """The event AWS would put on the default bus for this execution's end."""
    arn = str(execution.exec_arn)
    detail = {
        "executionArn": arn,
        "stateMachineArn": str(execution.state_machine.arn),
        "name": str(execution.name),
        "status": status,
        "startDate": _millis(execution.start_date),
        "stopDate": _millis(execution.stop_date),
        "input": json.dumps(execution.input_data) if execution.input_data is not None else None,
        "output": None,
        "error": execution.error,
        "cause": execution.cause,
    }
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": STATUS_CHANGE_DETAIL_TYPE,
        "source": "aws.states",
        "account": str(execution.account_id),
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [arn],
        "detail": detail,
    }


def matches(event: dict[str, Any]) -> bool:
    """The rule's pattern: this platform's report state machine (or a local redrive of it), a status that ended
    badly."""
    machine = str(event["detail"]["stateMachineArn"])
    ours = get_settings().state_machine_arn or ""
    return event["detail"]["status"] in ENDED_BADLY and bool(ours) and machine.startswith(ours)


def deliver(event: dict[str, Any]) -> bool:
    """Invoke the target as the rule does: retried up to the target's attempts, then the event (with the last error)
    to the target's dead-letter queue. True when the target took it."""
    last_error = ""
    for _ in range(1 + STATUS_CHANGE_TARGET.retry_attempts):
        try:
            lambdas.invoke(STATUS_CHANGE_TARGET.function, event)
            return True
        except Exception as error:  # the rule retries whatever the target raised
            last_error = f"{type(error).__name__}: {error}"
            logger.warning("status-change target failed", extra={"error": last_error})
    queue_url = client("sqs").get_queue_url(QueueName=_dlq_name())["QueueUrl"]
    client("sqs").send_message(
        QueueUrl=queue_url,
        MessageBody=json.dumps(event),
        MessageAttributes={"ERROR_MESSAGE": {"DataType": "String", "StringValue": last_error[:1000] or "unknown"}},
    )
    return False


def _dlq_name() -> str:
    from local.resources import physical_name

    return physical_name(PIPELINE_EVENTS_DLQ.id)


def _terminated(self: BaseExecutionWorkerCommunication) -> None:
    """moto's end of an execution, with the status-change event delivered while it still shows as RUNNING."""
    self._reflect_execution_status()
    execution = self.execution
    status = str(getattr(execution.exec_status, "value", execution.exec_status))
    if status in ENDED_BADLY:
        event = event_of(execution, status)
        if matches(event):
            ended_at = execution.stop_date
            execution.exec_status = ExecutionStatus.RUNNING
            try:
                deliver(event)
            except Exception:
                logger.exception("status-change event not delivered", extra={"execution": event["resources"][0]})
            finally:
                execution.exec_status = ExecutionStatus(status)
                execution.stop_date = ended_at


def install() -> None:
    """Emit status-change events from every local execution (idempotent)."""
    with _installed:
        BaseExecutionWorkerCommunication.terminated = _terminated  # type: ignore[method-assign]


def uninstall() -> None:
    with _installed:
        BaseExecutionWorkerCommunication.terminated = _original_terminated  # type: ignore[method-assign]
