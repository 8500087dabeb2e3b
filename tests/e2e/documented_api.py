"""Seed 004's export history (`GET /api/reports/exports`, `POST /api/reports/exports/{id}/retry`) in its documented
shape, answered in the browser (Playwright routing) while the API does not have those routes. Whether it has them is
read from its OpenAPI document, as the page does; the routes present are never intercepted, and the document the page
reads gains the intercepted ones, so the same test runs against the real routes once they are merged."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Route

from tests.support.api_client import ApiClient

EXPORTS = "/api/reports/exports"
RETRY = "/api/reports/exports/{export_id}/retry"


def documented_routes(api: ApiClient) -> dict[str, set[str]]:
    """The API's routes as its OpenAPI document lists them: path template → methods."""
    reply = api.get("/api/openapi.json")
    assert reply.status == 200, reply.body
    return {path: set(methods) for path, methods in reply.json["paths"].items()}


def export_of(job: dict[str, Any]) -> dict[str, Any]:
    """A job of `GET /api/jobs/{id}` as seed 004's exports table row."""
    artifact = job["artifacts"][0] if job["artifacts"] else None
    return {
        "id": job["jobId"],
        "schedule_id": job["subscriptionId"],
        "format": artifact["format"] if artifact else job["formats"][0],
        "status": job["status"],
        "file_size": artifact["sizeBytes"] if artifact else None,
        "row_count": artifact["rowCount"] if artifact else None,
        "error_message": job["error"]["cause"] if job["error"] else None,
        "created_at": job["createdAt"],
        "completed_at": job["completedAt"],
    }


@dataclass
class DocumentedExports:
    token: str
    exports: list[dict[str, Any]]
    missing: set[tuple[str, str]] = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def install(self, page: Page, api: ApiClient) -> DocumentedExports:
        routes = documented_routes(api)
        self.missing = {
            (method, path)
            for method, path in (("get", EXPORTS), ("post", RETRY))
            if method not in routes.get(path, set())
        }
        if self.missing:
            page.route(re.compile(r".*/api/openapi\.json$"), self._openapi)
            page.route(re.compile(r".*/api/reports/exports(/[^/]+/retry)?(\?.*)?$"), self._answer)
        return self

    def _openapi(self, route: Route) -> None:
        document = route.fetch().json()
        for method, path in self.missing:
            document["paths"].setdefault(path, {})[method] = {"summary": "documented in seed 004"}
        route.fulfill(status=200, json=document)

    def _answer(self, route: Route) -> None:
        request = route.request
        path = urlsplit(request.url).path
        method = request.method.lower()
        template = EXPORTS if path == EXPORTS else RETRY
        if (method, template) not in self.missing:
            route.fallback()
            return
        self.calls.append((request.method, path))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            route.fulfill(status=401, json={"error": "unauthorized", "message": "token expired", "details": []})
        elif template == EXPORTS:
            route.fulfill(status=200, body=json.dumps({"items": self.exports, "cursor": None}))
        else:
            export_id = path.split("/")[-2]
            export = next(e for e in self.exports if e["id"] == export_id)
            if export["status"] != "failed":
                route.fulfill(status=409, json={"error": "conflict", "message": "only a failed export", "details": []})
                return
            export.update(status="processing", error_message=None)
            route.fulfill(status=202, json={"jobId": export_id, "status": "processing"})
