"""Where the local runtime keeps its state (signing key, SES outbox) on disk."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """`.local/` in the repository, or `LOCAL_STATE_DIR` when set."""
    return Path(os.environ.get("LOCAL_STATE_DIR", REPO_ROOT / ".local"))


def outbox_dir() -> Path:
    """Where mail sent through the local SES is written as `.eml` files."""
    return state_dir() / "outbox"
