"""Demo users for `make run`: the directory (moto's Cognito) knows the tenant's people, so recipients resolve."""

from __future__ import annotations

from typing import TextIO

from shared.catalog.platform import USERS
from shared.directory import Directory, Role
from shared.settings import get_settings

DEMO_USERS: tuple[tuple[str, str, str, Role, str], ...] = (
    ("acme", "demo-admin", "admin@example.com", "admin", "Demo Admin"),
    ("acme", "123456", "trial.lead@example.com", "user", "Trial Lead"),
    ("acme", "alice", "alice@example.com", "user", "Alice"),
    ("globex", "bob", "bob@example.com", "admin", "Bob"),
)
"""(tenant, user id, email, role, name); `123456` is seed 001's user: its token needs no email to subscribe."""
DEMO_PASSWORD = "Local-demo-1!"  # noqa: S105 - the local twin's demo users only


def load_users(stream: TextIO) -> str:
    directory = Directory(get_settings().name_of(USERS))
    for tenant, user_id, email, role, name in DEMO_USERS:
        directory.add(tenant, email, role, name=name, user_id=user_id, password=DEMO_PASSWORD)
    tenants = sorted({tenant for tenant, *_ in DEMO_USERS})
    return f"{len(DEMO_USERS)} users in tenants {', '.join(tenants)} (password {DEMO_PASSWORD})"
