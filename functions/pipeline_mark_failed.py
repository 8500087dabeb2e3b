"""Target of the EventBridge rule on the report state machine's "Execution Status Change" events (FAILED, TIMED_OUT,
ABORTED): records the failure outside the execution, so a redrive resumes at the failed step."""

from shared.observability import lambda_entry
from shared.pipeline import steps

handler = lambda_entry(lambda event, _context: steps.mark_failed(event))
