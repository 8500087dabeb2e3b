"""Each principal's own environment while it runs in the local process, as Lambda gives each function its own.

A context variable names the principal that runs (a catalogued function while its handler runs, the state machine's
or the Scheduler's role while the twin acts for them). `install()` replaces `os.environ` by a mapping that shows that
principal's variables while one runs, and the process's otherwise (tests and the runtime itself). Each principal gets
its own access key id, as Lambda puts the function role's credentials in its environment: a boto3 client carries the
principal it was made for into any thread (`local.iam` checks its calls against that principal's policy). Threads a
handler starts inherit the running principal (in AWS the whole process is the function).
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("local_principal", default=None)
_environments: dict[str, dict[str, str]] = {}
_overrides: dict[str, dict[str, str]] = {}
_reads: dict[str, set[str]] = {}
PASSED_THROUGH = ("AWS_ENDPOINT_URL", "LOCAL_STATE_DIR", "PATH", "HOME", "LANG", "TZ")
"""Process variables every principal sees: the local AWS endpoint and where the local stand-ins write (the twin's own
plumbing), and what Lambda's runtime sets too."""


def access_key_of(principal: str) -> str:
    """The local access key id of a principal (20 characters, like AWS's)."""
    return "ASIALOCAL" + hashlib.sha256(principal.encode()).hexdigest()[:11].upper()


def current() -> str | None:
    """The principal running in this context, or None (the runtime itself, a test)."""
    return _current.get()


def configure(environments: dict[str, dict[str, str]]) -> None:
    """Set every principal's environment (without credentials: they are added here)."""
    _environments.clear()
    for principal, environment in environments.items():
        key = access_key_of(principal)
        _environments[principal] = {
            **environment,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": f"local-secret-{key}",
            "AWS_SESSION_TOKEN": f"local-session-{key}",
            **_overrides.get(principal, {}),
        }


def principals() -> list[str]:
    """Every principal with an environment."""
    return list(_environments)


def environment_of(principal: str) -> dict[str, str]:
    return _environments[principal]


def variables_read() -> dict[str, set[str]]:
    """The environment variables each principal read while it ran."""
    return _reads


@contextmanager
def running(principal: str) -> Iterator[None]:
    """Run the body as `principal` (its environment, its credentials)."""
    if principal not in _environments:
        raise KeyError(f"the local twin has no environment for {principal!r}")
    token = _current.set(principal)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def overridden(principal: str, **variables: str) -> Iterator[None]:
    """Set variables in one function's environment for the body (tests: as an operator would change it)."""
    saved = dict(_overrides.get(principal, {}))
    environment = _environments[principal]
    before = {name: environment.get(name) for name in variables}
    _overrides[principal] = {**saved, **variables}
    environment.update(variables)
    try:
        yield
    finally:
        _overrides[principal] = saved
        for name, value in before.items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value


class PrincipalEnviron(MutableMapping[str, str]):
    """`os.environ` of the local process: the running principal's variables, or the process's."""

    def __init__(self, process: MutableMapping[str, str]) -> None:
        self.process = process

    def _active(self) -> MutableMapping[str, str]:
        principal = _current.get()
        return self.process if principal is None else _environments[principal]

    def __getitem__(self, name: str) -> str:
        principal = _current.get()
        if principal is None:
            return self.process[name]
        _reads.setdefault(principal, set()).add(name)
        return _environments[principal][name]

    def __setitem__(self, name: str, value: str) -> None:
        self._active()[name] = value

    def __delitem__(self, name: str) -> None:
        del self._active()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._active()))

    def __len__(self) -> int:
        return len(self._active())

    def __contains__(self, name: object) -> bool:
        principal = _current.get()
        if principal is not None and isinstance(name, str):
            _reads.setdefault(principal, set()).add(name)
        return name in self._active()

    def copy(self) -> dict[str, str]:
        return dict(self._active())

    def __repr__(self) -> str:
        return f"PrincipalEnviron({current() or 'process'})"


_thread_start = threading.Thread.start


def _start_in_principal(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
    """A thread started while a principal runs runs as that principal."""
    if _current.get() is not None:
        context = contextvars.copy_context()
        run = self.run
        self.run = lambda: context.run(run)  # type: ignore[method-assign]
    _thread_start(self, *args, **kwargs)


def install() -> None:
    """Replace `os.environ` (once per process) and let threads inherit the running principal."""
    if not isinstance(os.environ, PrincipalEnviron):
        os.environ = PrincipalEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003 - replaced, not cleared
    threading.Thread.start = _start_in_principal  # type: ignore[method-assign]


def passed_through() -> dict[str, str]:
    environ = os.environ.process if isinstance(os.environ, PrincipalEnviron) else os.environ
    return {name: environ[name] for name in PASSED_THROUGH if name in environ}
