"""Cron: end or re-drive jobs stuck in `processing` (seed 002's process-incomplete-jobs)."""

from shared.delivery.sweep import sweep_jobs
from shared.observability import lambda_entry

handler = lambda_entry(lambda _event, _context: sweep_jobs().model_dump())
