"""Calls the handler of a catalogued function in-process, as Lambda would, and answers moto's Lambda `invoke`."""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable
from typing import Any

from local import function_env
from local.lambda_context import LocalLambdaContext
from shared.catalog import function_named

Handler = Callable[[dict[str, Any], Any], Any]
_lock = threading.Lock()
_handlers: dict[str, Handler] = {}
_environments: dict[str, threading.RLock] = {}
"""One lock per function: like one Lambda execution environment, a handler runs one event at a time (powertools
resolvers, loggers and metrics keep per-invocation state on module-level objects)."""


def handler_of(function_name: str) -> Handler:
    """The handler callable of a function, imported once (an ARN or a bare name both work)."""
    name = function_name.rsplit(":function:", 1)[-1].split(":", 1)[0]
    with _lock:
        if name not in _handlers:
            module_name, attribute = function_named(name).handler.rsplit(".", 1)
            _handlers[name] = getattr(importlib.import_module(module_name), attribute)
        return _handlers[name]


def invoke(function_name: str, event: dict[str, Any]) -> Any:
    """Run one function's handler on `event` with a fresh context, with only its own environment and credentials
    (`local.function_env`); exceptions propagate."""
    name = function_name.rsplit(":function:", 1)[-1].split(":", 1)[0]
    spec = function_named(name)
    handler = handler_of(name)
    with _lock:
        environment = _environments.setdefault(name, threading.RLock())
    with environment, function_env.running(name):
        context = LocalLambdaContext(function_name=name, memory_limit_in_mb=spec.memory_mb, timeout_s=spec.timeout_s)
        return handler(event, context)


def moto_invoke(
    self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
) -> bytes:
    """Stands in for moto's `LambdaSimpleBackend.invoke`.

    A raised exception becomes a function error named by its class, so Retry and Catch match names as in AWS."""
    raw = body.decode() if isinstance(body, bytes) else (body or "{}")
    event = json.loads(raw) if raw else {}
    try:
        result = invoke(function_name, event)
    except Exception as error:
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorType": type(error).__name__, "errorMessage": str(error), "stackTrace": []}).encode()
    return json.dumps(result, default=str).encode()
