"""The embedded local runtime: local AWS (moto's server), the local HTTP API, local crons, the CLI."""

import os

# Powertools reads these when `shared.observability` builds its logger and metrics, which happens on import:
# set the local defaults before any local module imports shared code.
for _name, _value in {
    "POWERTOOLS_SERVICE_NAME": "report-platform",
    "POWERTOOLS_METRICS_NAMESPACE": "ReportPlatform",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
}.items():
    os.environ.setdefault(_name, _value)
