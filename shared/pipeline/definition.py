"""The one ASL file of the report pipeline and what fills its `${...}` placeholders.

CDK passes `substitutions(...)` of deployed ARNs to `DefinitionBody.from_file(ASL_PATH)`; the local runtime fills the
same file with local ARNs (`fill`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from shared.catalog.model import Queue
from shared.catalog.pipeline import (
    PIPELINE_AGGREGATE,
    PIPELINE_COMPLETE,
    PIPELINE_DELIVER,
    PIPELINE_FETCH,
    PIPELINE_RENDER,
    PIPELINE_START,
)

ASL_PATH = Path(__file__).with_name("report_pipeline.asl.json")
STATE_MACHINE_NAME = "report-pipeline"

FUNCTION_PLACEHOLDERS: dict[str, str] = {
    "StartFunctionArn": PIPELINE_START.name,
    "FetchFunctionArn": PIPELINE_FETCH.name,
    "AggregateFunctionArn": PIPELINE_AGGREGATE.name,
    "RenderFunctionArn": PIPELINE_RENDER.name,
    "DeliverFunctionArn": PIPELINE_DELIVER.name,
    "CompleteFunctionArn": PIPELINE_COMPLETE.name,
}
"""Placeholder → the catalogued function whose ARN fills it."""
QUEUE_URL_PLACEHOLDERS: dict[str, Queue] = {}
"""Placeholder → the catalogued queue whose URL fills it."""


def placeholders(text: str | None = None) -> set[str]:
    """Every `${Name}` in the definition."""
    return set(re.findall(r"\$\{([A-Za-z][A-Za-z0-9]*)\}", text if text is not None else ASL_PATH.read_text()))


def substitutions(function_arns: dict[str, str], queue_urls: dict[str, str]) -> dict[str, str]:
    """Placeholder values from function ARNs (by function name) and queue URLs (by queue id)."""
    values = {p: function_arns[name] for p, name in FUNCTION_PLACEHOLDERS.items()}
    values.update({p: queue_urls[q.id] for p, q in QUEUE_URL_PLACEHOLDERS.items()})
    return values


def fill(values: dict[str, str]) -> str:
    """The definition with every placeholder filled; a placeholder left without a value is an error."""
    text = ASL_PATH.read_text()
    missing = placeholders(text) - values.keys()
    if missing:
        raise KeyError(f"no value for placeholders {sorted(missing)}")
    return re.sub(r"\$\{([A-Za-z][A-Za-z0-9]*)\}", lambda m: values[m.group(1)], text)


LAMBDA_SERVICE_ERRORS = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
)
"""Errors of the Lambda service itself (the handler did not run, or ran and its answer was lost): every task retries
them, as it retries `TransientError` (the handlers' one transient class, `shared.transient`)."""
STATUS_CHANGE_DETAIL_TYPE = "Step Functions Execution Status Change"
"""The detail-type of the events the state machine's executions put on the default bus (source `aws.states`)."""


def document() -> dict[str, Any]:
    """The definition as JSON, placeholders unfilled."""
    parsed: dict[str, Any] = json.loads(ASL_PATH.read_text())
    return parsed


def top_level_states() -> set[str]:
    """The names of the top-level states (those a redrive can resume at; Map iterations are inside `Deliver`)."""
    return set(document()["States"])
