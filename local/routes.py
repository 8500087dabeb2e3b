"""API Gateway's route selection for the local adapter: the catalog's route keys, matched in API Gateway's order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared import catalog


@dataclass(frozen=True)
class Route:
    key: str
    method: str
    function: str
    public: bool
    pattern: re.Pattern[str]
    literal_length: int
    greedy: bool
    authorizer: str | None = None
    """The Lambda authorizer function of the route (None: the JWT authorizer, unless public)."""

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        found = self.pattern.fullmatch(path)
        return None if found is None else {k: v for k, v in found.groupdict().items() if v is not None}


def _compile(route_key: str, function: str, public: bool, authorizer: str | None = None) -> Route:
    method, _, template = route_key.partition(" ")
    regex = ""
    literal = 0
    greedy = False
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{") and part.endswith("+}"):
            regex += f"(?P<{part[1:-2]}>.+)"
            greedy = True
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
            literal += len(part)
    return Route(route_key, method, function, public, re.compile(regex), literal, greedy, authorizer)


def route_table(functions: tuple[catalog.Function, ...] | None = None) -> list[Route]:
    """Every route of every API function, most specific first (API Gateway's order of precedence)."""
    routes = [
        _compile(key, fn.name, public, None if public else fn.authorizer)
        for fn in (functions if functions is not None else catalog.FUNCTIONS)
        if fn.kind == "api"
        for keys, public in ((fn.routes, False), (fn.public_routes, True))
        for key in keys
    ]
    return sorted(routes, key=lambda r: (r.greedy, -r.literal_length, r.method == "ANY"))


def select(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        params = route.match(method, path)
        if params is not None:
            return route, params
    return None
