"""Settings read from the environment: defaults, and values refused with the reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import Settings


def test_defaults_keep_export_links_within_the_bucket_lifecycle() -> None:
    assert Settings.from_environ({}).export_ttl_days == 30
    assert Settings.from_environ({"EXPORT_TTL_DAYS": "7"}).export_ttl_days == 7


def test_export_links_may_not_outlive_their_files() -> None:
    with pytest.raises(ValidationError, match="the reports bucket deletes exports after 30 days"):
        Settings.from_environ({"EXPORT_TTL_DAYS": "31"})
