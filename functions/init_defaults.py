"""One-off Lambda: seed 004's defaults for a tenant (payload `{"tenant", "recipients", "created_by"?}`), the deployed
equivalent of `python -m local init-defaults`."""

from __future__ import annotations

from typing import Any

from shared.exports.defaults import InitDefaults, init_defaults
from shared.observability import lambda_entry, logger


def _run(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    result = init_defaults(InitDefaults.model_validate(event), logger.info)
    return result.model_dump(mode="json")


handler = lambda_entry(_run)
