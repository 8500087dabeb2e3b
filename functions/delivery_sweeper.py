"""Cron: replay deliveries left `created` or `sending`, retry or end those left `failed` retryable (seed 002)."""

from shared.delivery.sweep import sweep_deliveries
from shared.observability import lambda_entry

handler = lambda_entry(lambda _event, _context: sweep_deliveries().model_dump())
