"""No route answers odd input with a 5xx: every operation of the OpenAPI document is called with odd path and query
values, and every body field in turn with values of the wrong type or out of range; each reply must be a 2xx-4xx."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from tests.support.api_client import ApiClient, Reply
from tests.support.pipeline import small_trial

ODD_TEXT = ["", " ", "x" * 5000, "\u0000", "../../etc", "%00", "é✓", "<script>", "' OR 1=1 --", "-1", "1e309", "NaN"]
ODD_VALUES: list[Any] = [None, True, -1, 0, 10**40, 1.5, 1e308, "", "x" * 3000, [], {}, ["x"], {"a": 1}, "\u0000"]


def sample(schema: dict[str, Any], spec: dict[str, Any], depth: int = 0) -> Any:
    """A value of the schema's shape (the first choice of each union, the least of each range)."""
    if "$ref" in schema:
        return sample(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]], spec, depth + 1)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return sample(schema[union][0], spec, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {} if depth > 6 else {k: sample(v, spec, depth + 1) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema.get("items", {}), spec, depth + 1)]
    return {"integer": schema.get("minimum", 1), "number": 1.0, "boolean": True}.get(str(kind), "x")


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def with_path_values(path: str, op: dict[str, Any], value: str) -> str:
    for parameter in op.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", quote(value, safe="") or "x")
    return path


def test_no_operation_answers_odd_input_with_a_server_error(api: ApiClient) -> None:
    small_trial()
    spec = api.get("/api/openapi.json").json
    server_errors: list[tuple[str, str, int, bytes]] = []
    answered: dict[int, int] = {}

    def call(method: str, url: str, body: bytes | None) -> None:
        reply: Reply = api.request(method, url, raw=body)
        answered[reply.status // 100] = answered.get(reply.status // 100, 0) + 1
        if reply.status >= 500:
            server_errors.append((method, url[:120], reply.status, reply.body[:200]))

    for method, path, op in operations(spec):
        has_body = method in ("POST", "PUT", "PATCH")
        for odd in ODD_TEXT:
            query = "&".join(f"{p['name']}={quote(odd)}" for p in op.get("parameters", []) if p["in"] == "query")
            call(method, with_path_values(path, op, odd) + (f"?{query}" if query else ""), b"{}" if has_body else None)
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if not schema:
            continue
        target = with_path_values(path, op, "x")
        base = sample(schema, spec)
        call(method, target, json.dumps(base).encode())
        call(method, target, b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}")
        for field in base if isinstance(base, dict) else []:
            for odd_value in ODD_VALUES:
                call(method, target, json.dumps({**base, field: odd_value}).encode())
    assert server_errors == []
    assert len(operations(spec)) >= 30, "every route of every function is in the document"
    assert answered.get(4, 0) > 1000, f"odd input reached the routes and was refused: {answered}"


def test_json_nested_too_deeply_is_a_400_saying_so(api: ApiClient) -> None:
    reply = api.request("POST", "/api/reports", raw=b'{"name":' + b"[" * 5000 + b"]" * 5000 + b"}")
    assert reply.status == 400
    assert reply.json["message"] == "the request body is JSON nested too deeply to read"
