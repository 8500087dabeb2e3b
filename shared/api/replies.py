"""Reply helpers every API function shares: a model with a status other than 200, and the caller dependency."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from pydantic import BaseModel

from shared.api.caller import Caller
from shared.api.resolver import current_caller

CallerDep = Annotated[Caller, Depends(current_caller)]
"""A route parameter typed `CallerDep` receives the verified caller."""


def json_reply(status: int, model: BaseModel) -> Response[Any]:
    """`model` as JSON with `status` (201 created, 202 accepted ...)."""
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=model)


def no_content() -> Response[str]:
    """204 with an empty body: a delete done."""
    return Response(status_code=204, body="")
