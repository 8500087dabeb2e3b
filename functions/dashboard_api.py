"""`GET /` and `GET /assets/{proxy+}`: the dashboard page and its bundled script and style (public; the page itself
asks for the user's token and calls the API with it)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.api.resolver import new_resolver
from shared.dashboard.assets import Asset, asset, page
from shared.observability import http_entry

router = Router()


def _reply(found: Asset | None, missing: str) -> Response[str]:
    if found is None:
        return Response(status_code=404, content_type=content_types.TEXT_PLAIN, body=missing)
    return Response(status_code=200, content_type=found.content_type, body=found.body, headers=found.headers)


@router.get("/", include_in_schema=False, security=[])
def dashboard_page() -> Response[str]:
    return _reply(page(), "the dashboard is not built: run `make dashboard`")


@router.get("/assets/<name>", include_in_schema=False, security=[])
def dashboard_asset(name: str) -> Response[str]:
    return _reply(asset(name), f"no dashboard asset {name}")


app = new_resolver(router, public=True)
handler = http_entry(app.resolve)
