"""The report builder's lake queries in the synthesised stacks: the builder's API and the pipeline's Fetch step query
the Glue database and Athena workgroup the analytics construct creates, and read only the report lake tables."""

from __future__ import annotations

import json

import pytest

from shared.catalog.pipeline import PIPELINE_FETCH
from shared.catalog.reports import LAKE_TABLES, REPORTS_API
from tests.infra.conftest import Synth
from tests.infra.test_notifications_stack import _function, _policy_statements


@pytest.mark.parametrize("name", [REPORTS_API.name, PIPELINE_FETCH.name])
def test_report_queries_use_the_deployed_database_and_workgroup(synth: Synth, name: str) -> None:
    _, function = _function(synth, name)
    env = function["Properties"]["Environment"]["Variables"]
    assert env["GLUE_DATABASE"] == "rp_dev_report_platform"
    assert env["ATHENA_WORKGROUP"] == "rp-dev-report-platform"
    statements = _policy_statements(synth, name)
    athena = next(s for s in statements if "athena:StartQueryExecution" in s["Action"])
    assert "workgroup/rp-dev-report-platform" in json.dumps(athena["Resource"])
    glue = json.dumps(next(s for s in statements if "glue:GetTable" in s["Action"])["Resource"])
    for table in LAKE_TABLES:
        assert f"table/rp_dev_report_platform/{table.name}" in glue
    assert "notification_received" not in glue
