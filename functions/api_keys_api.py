"""`POST /api/api-keys`, `GET /api/api-keys`, `DELETE /api/api-keys/{id}`: the API keys of the mobile-n10n
compatible routes, managed by platform admins (scope `api-keys:admin`; a tenant's admin role is not enough)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared import clock
from shared.api.caller import Caller
from shared.api.replies import CallerDep, json_reply, no_content
from shared.api.resolver import new_resolver
from shared.api_keys import logic, store
from shared.api_keys.models import ApiKey, ApiKeyList, ApiKeyRequest, CreatedApiKey
from shared.errors import Forbidden, NotFound
from shared.observability import http_entry

ADMIN_SCOPE = "api-keys:admin"

router = Router()


def _require_platform_admin(caller: Caller) -> None:
    if ADMIN_SCOPE not in caller.scopes:
        raise Forbidden(f"managing API keys needs the platform scope {ADMIN_SCOPE}")


@router.post("/api/api-keys", summary="Create (or import) an API key; the key is shown once", tags=["api-keys"])
def create_key(request: ApiKeyRequest, caller: CallerDep) -> Response[Any]:
    _require_platform_admin(caller)
    created: CreatedApiKey = logic.created(request, caller.sub, clock.now())
    store.put_new(ApiKey.model_validate(created.model_dump(exclude={"key"})))
    return json_reply(201, created)


@router.get("/api/api-keys", summary="Every API key (ids and names, never the keys)", tags=["api-keys"])
def list_keys(caller: CallerDep) -> ApiKeyList:
    _require_platform_admin(caller)
    return ApiKeyList(items=store.list_all())


@router.delete("/api/api-keys/<key_id>", summary="Revoke an API key", tags=["api-keys"])
def revoke_key(key_id: str, caller: CallerDep) -> Response[str]:
    _require_platform_admin(caller)
    if store.revoke(key_id, clock.iso(clock.now()), caller.sub) is None:
        raise NotFound(f"no API key with id {key_id}")
    return no_content()


app = new_resolver(router)
handler = http_entry(app.resolve)
