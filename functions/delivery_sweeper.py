"""Cron: replay deliveries left `created` or `sending`, retry or end those left `failed` retryable (seed 002).
One run at a time (a DynamoDB lease, `shared.leases`)."""

from shared.catalog.delivery import DELIVERY_SWEEPER
from shared.delivery.sweep import sweep_deliveries
from shared.leases import single_flight
from shared.observability import lambda_entry

handler = lambda_entry(single_flight(DELIVERY_SWEEPER, lambda _event, _context: sweep_deliveries().model_dump()))
