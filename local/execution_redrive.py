"""`python -m local redrive <job id>`: what a console redrive (`RedriveExecution`) does, on moto, which has none.

AWS restarts the same execution at its unsuccessful state, with the input that state had, Retry counters reset,
states that succeeded not run again (a Map reruns only its unsuccessful iterations). Locally the job's failed
execution (recorded on the job by mark-failed) is read back through `GetExecutionHistory`, and a new execution starts
of the same definition whose `StartAt` is that state (a state machine `report-pipeline-from-<State>`), with that
state's input. A Map resumed this way runs every item again; those already delivered are not sent twice (each
delivery's conditional claim). The job returns to `processing` at the step, as in AWS, and ends as a redrive would."""

from __future__ import annotations

import json
import uuid

from shared.aws import client
from shared.jobs import store as job_store
from shared.pipeline.definition import STATE_MACHINE_NAME
from shared.pipeline.executions import ended_in
from shared.settings import get_settings


def machine_from(state: str) -> str:
    """The ARN of the report state machine's definition started at `state` (made once)."""
    sfn = client("stepfunctions")
    main = sfn.describe_state_machine(stateMachineArn=get_settings().state_machine_arn)
    name = f"{STATE_MACHINE_NAME}-from-{state}"
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                return str(machine["stateMachineArn"])
    document = json.loads(main["definition"])
    document["StartAt"] = state
    created = sfn.create_state_machine(
        name=name, definition=json.dumps(document), roleArn=main["roleArn"], type="STANDARD"
    )
    return str(created["stateMachineArn"])


def redrive(tenant_id: str, job_id: str) -> str:
    """Resume a failed job's execution at its failed state; returns the new execution's ARN. SystemExit (saying why)
    when the job is not failed by an execution that can be redriven."""
    job = job_store.get(tenant_id, job_id)
    if job is None:
        raise SystemExit(f"no job {job_id} in tenant {tenant_id}")
    if job.status != "failed" or job.error is None or not job.error.executionArn:
        raise SystemExit(f"job {job_id} is {job.status}: only a job failed by its execution can be redriven")
    state, state_input, _ = ended_in(job.error.executionArn)
    sfn = client("stepfunctions")
    if state is None:
        described = sfn.describe_execution(executionArn=job.error.executionArn)
        machine, run_input = get_settings().state_machine_arn or "", described["input"]
    else:
        machine, run_input = machine_from(state), state_input or "{}"
    started = sfn.start_execution(
        stateMachineArn=machine, input=run_input, name=f"{job_id[:40]}-redrive-{uuid.uuid4().hex[:12]}"
    )
    return str(started["executionArn"])
