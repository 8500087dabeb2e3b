"""Cron: end or re-drive jobs stuck in `processing` (seed 002's process-incomplete-jobs). One run at a time (a
DynamoDB lease, `shared.leases`)."""

from shared.catalog.delivery import JOB_SWEEPER
from shared.delivery.sweep import sweep_jobs
from shared.leases import single_flight
from shared.observability import lambda_entry

handler = lambda_entry(single_flight(JOB_SWEEPER, lambda _event, _context: sweep_jobs().model_dump()))
