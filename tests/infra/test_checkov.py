"""checkov (an IaC scanner, in its own venv: `make checkov`) over the session's synthesized templates: every finding
is fixed or acknowledged with a reason in `cdk/checkov_acknowledgements.py`, and no acknowledgement is stale."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cdk.checkov_acknowledgements import BY_RESOURCE_PREFIX, EVERY_RESOURCE, reason_for
from tests.infra.conftest import Synth

CHECKOV = Path(__file__).resolve().parents[2] / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="module")
def findings(synth: Synth) -> dict[str, Any]:
    assert CHECKOV.exists(), "checkov is not installed: run `make checkov` (make test does)"
    files = [synth.template_file(s) for s in ("ReportPlatformStateful", "ReportPlatformStateless")]
    command = [str(CHECKOV), "--framework", "cloudformation", "-o", "json", "--compact"]
    for file in files:
        command += ["-f", str(file)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert isinstance(report, dict), "one framework, one report"
    return report


def _logical_id(finding: dict[str, Any]) -> str:
    return str(finding["resource"]).split(".", 1)[1]


def test_checkov_findings_are_all_acknowledged_with_a_reason(findings: dict[str, Any]) -> None:
    assert findings["summary"]["parsing_errors"] == 0
    assert findings["summary"]["passed"] > 500
    unacknowledged = [
        f"{f['check_id']} {f['resource']}: {f['check_name']}"
        for f in findings["results"]["failed_checks"]
        if not reason_for(f["check_id"], _logical_id(f))
    ]
    assert unacknowledged == []


def test_no_acknowledgement_is_stale(findings: dict[str, Any]) -> None:
    failed = [(f["check_id"], _logical_id(f)) for f in findings["results"]["failed_checks"]]
    for check_id, reason in EVERY_RESOURCE.items():
        assert len(reason) > 40
        assert any(c == check_id for c, _ in failed), f"{check_id} no longer fails: remove its acknowledgement"
    for (check_id, prefix), reason in BY_RESOURCE_PREFIX.items():
        assert len(reason) > 40
        assert (check_id, prefix) in {(c, r[: len(prefix)]) for c, r in failed}, f"{check_id} {prefix} is stale"


def test_what_protects_data_passes_rather_than_being_acknowledged(findings: dict[str, Any]) -> None:
    failed = {(f["check_id"], _logical_id(f)) for f in findings["results"]["failed_checks"]}
    assert not [f for f in failed if f[0] == "CKV_AWS_21"], "every bucket is versioned"
    passed = {(f["check_id"], _logical_id(f)) for f in findings["results"]["passed_checks"]}
    assert any(c == "CKV_AWS_158" and r.startswith("PipelineLogs") for c, r in passed), "execution data encrypted"
