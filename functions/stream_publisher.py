"""The DynamoDB streams of the jobs and deliveries tables: each status change pushed to the connections allowed to
see it."""

from shared.observability import lambda_entry
from shared.stream.logic import publish

handler = lambda_entry(lambda event, _context: {"sent": publish(event.get("Records") or [])})
