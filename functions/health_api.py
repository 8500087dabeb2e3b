"""`GET /health`: the open liveness check of the HTTP API."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from shared import clock
from shared.api.resolver import new_resolver
from shared.observability import http_entry
from shared.settings import get_settings

router = Router()


class Health(BaseModel):
    status: str
    stage: str
    time: str


@router.get("/health", summary="Liveness check (no token needed)", security=[])
def health() -> Health:
    return Health(status="ok", stage=get_settings().stage, time=clock.iso(clock.now()))


app = new_resolver(router, public=True)
handler = http_entry(app.resolve)
