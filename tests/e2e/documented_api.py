"""The API routes the page uses that are not in this branch yet, answered in their documented shapes by intercepting
the browser's requests (Playwright routing). Only these tests use it; the real routes replace it after merging."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, Route

PLATFORMS = ("ios", "android", "ios-edition", "android-edition")


def notification(n: int, sent: datetime) -> dict[str, Any]:
    """A record of the report API: one sender report per platform, received counts per platform."""
    recipients = {"ios": 100 + n, "android": 200 + n, "ios-edition": 10, "android-edition": 20}
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "type": "news" if n % 2 else "football-match-status",
        "notification": {"title": f"Headline {n}", "message": "Something happened", "topics": [], "dryRun": False},
        "sentTime": sent.isoformat().replace("+00:00", "Z"),
        "reports": [
            {
                "senderName": f"{platform}-sender",
                "sentTime": sent.isoformat().replace("+00:00", "Z"),
                "platformStatistics": {"platform": platform, "recipientsCount": count},
                "totalRegistrationCount": 1000,
            }
            for platform, count in recipients.items()
        ],
        "events": {"platformCounts": {"total": 165, "ios": 50, "android": 100, "iosEdition": 5, "androidEdition": 10}},
    }


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class DocumentedApi:
    token: str
    notifications: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    deliveries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str, Any]] = field(default_factory=list)

    def install(self, page: Page) -> DocumentedApi:
        page.route(re.compile(r".*/api/(notifications|subscriptions|reports/exports|jobs)(/.*)?(\?.*)?$"), self.answer)
        return self

    def answer(self, route: Route) -> None:
        request = route.request
        parts = urlsplit(request.url)
        body = json.loads(request.post_data) if request.post_data else None
        self.calls.append((request.method, parts.path, body))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            self._json(route, 401, {"error": "unauthorized", "message": "token expired", "details": []})
            return
        status, reply = self._dispatch(request.method, parts.path, parse_qs(parts.query), body)
        if isinstance(reply, bytes):
            route.fulfill(status=status, body=reply, headers={"content-type": "application/pdf"})
        else:
            self._json(route, status, reply)

    @staticmethod
    def _json(route: Route, status: int, reply: Any) -> None:
        route.fulfill(status=status, body=json.dumps(reply), headers={"content-type": "application/json"})

    def _dispatch(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        missing = (404, {"error": "not_found", "message": f"no such thing: {path}", "details": []})
        if method == "GET" and path == "/api/notifications":
            return 200, self._page_of_notifications(query)
        if method == "GET" and (found := re.fullmatch(r"/api/notifications/([^/]+)", path)):
            return next(((200, n) for n in self.notifications if n["id"] == found[1]), missing)
        if path == "/api/subscriptions":
            if method == "GET":
                return 200, {"items": list(self.subscriptions.values()), "cursor": None}
            sub_id = f"sub-{len(self.subscriptions) + 1}"
            self.subscriptions[sub_id] = {
                "subscriptionId": sub_id,
                **{k: body[k] for k in ("name", "reportType", "schedule", "formats", "channels")},
                "status": "active",
                "nextRunAt": "2026-11-30T14:00:00Z",
                "lastRunAt": None,
            }
            return 201, {"subscriptionId": sub_id, "status": "active"}
        if found := re.fullmatch(r"/api/subscriptions/([^/]+)(/run|/jobs)?", path):
            subscription = self.subscriptions.get(found[1])
            if subscription is None:
                return missing
            if method == "PATCH":
                subscription["status"] = body["status"]
                return 200, subscription
            if method == "DELETE":
                del self.subscriptions[found[1]]
                return 204, None
            if found[2] == "/run":
                return 202, {"jobId": f"job-run-{found[1]}", "status": "pending"}
            if found[2] == "/jobs":
                return 200, {"items": [j for j in self.jobs if j["subscriptionId"] == found[1]], "cursor": None}
        if method == "GET" and path == "/api/reports/exports":
            return 200, {"items": self.jobs, "cursor": None}
        if found := re.fullmatch(r"/api/reports/exports/([^/]+)/(retry|download)", path):
            job = next((j for j in self.jobs if j["jobId"] == found[1]), None)
            if job is None:
                return missing
            if found[2] == "download":
                return 200, b"%PDF-1.4 a report"
            if job["status"] != "failed":
                return 409, {"error": "conflict", "message": "only a failed export can be retried", "details": []}
            job.update(status="processing", error=None, step="Fetch")
            return 202, {"jobId": job["jobId"], "status": "processing"}
        if method == "GET" and (found := re.fullmatch(r"/api/jobs/([^/]+)/deliveries", path)):
            return 200, self.deliveries.get(found[1], [])
        return missing

    def _page_of_notifications(self, query: dict[str, list[str]]) -> dict[str, Any]:
        start = _time(query["from"][0]) if "from" in query else datetime.now(UTC) - timedelta(days=7)
        end = _time(query["until"][0]) if "until" in query else datetime.now(UTC)
        wanted = query.get("type", [None])[0]
        matching = sorted(
            (
                n
                for n in self.notifications
                if start <= _time(n["sentTime"]) <= end and (wanted is None or n["type"] == wanted)
            ),
            key=lambda n: n["sentTime"],
            reverse=True,
        )
        offset = int(query.get("cursor", ["0"])[0])
        limit = int(query.get("limit", ["50"])[0])
        items = matching[offset : offset + limit]
        following = offset + limit
        return {"items": items, "cursor": str(following) if following < len(matching) else None}
