"""`make smoke` in CI: the smoke suite for a deployed stage runs against the session's local runtime."""

from __future__ import annotations

import io

from local.runtime import LocalRuntime
from shared.catalog.platform import USERS
from shared.directory import Directory
from shared.settings import get_settings
from tests.conftest import TokenFactory
from tests.smoke.__main__ import local_target
from tests.smoke.suite import STEPS, run_suite
from tests.support.api_client import ApiClient


def test_the_smoke_suite_passes_every_step_and_leaves_nothing_behind(clean: LocalRuntime, token: TokenFactory) -> None:
    out = io.StringIO()
    run = run_suite(local_target(clean.url), out)

    assert run.passed == list(STEPS), out.getvalue()
    assert run.leftovers == []
    assert "SES message id " in out.getvalue()
    assert Directory(get_settings().name_of(USERS)).find(run.tenant, run.tenant) is None
    admin = ApiClient(clean.url, token=token(tenant=run.tenant, sub="auditor", role="admin"))
    assert admin.get("/api/reports").json["items"] == []
    assert admin.get("/api/subscriptions?all=true").json["items"] == []
    assert admin.get("/api/reports/exports").json["items"] == [], "both jobs' exports were deleted"
