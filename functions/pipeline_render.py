"""The state machine's render task (see shared/pipeline/report_pipeline.asl.json)."""

from shared.observability import lambda_entry
from shared.pipeline import steps

handler = lambda_entry(lambda event, _context: steps.render(event), traced=True)
