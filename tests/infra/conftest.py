"""One synth of both stacks per test session (bundling skipped), shared by every infra test."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from app import build_app


@dataclass
class Synth:
    app: App
    outdir: Path
    stateful: Template
    stateless: Template

    def template_file(self, stack: str) -> Path:
        return self.outdir / f"{stack}.template.json"

    def validation_report(self) -> dict[str, object]:
        return json.loads((self.outdir / "validation-report.json").read_text())


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = build_app({"aws:cdk:bundling-stacks": []}, outdir=str(outdir))
    app.synth()
    stateful = app.node.find_child("ReportPlatformStateful")
    stateless = app.node.find_child("ReportPlatformStateless")
    return Synth(app, outdir, Template.from_stack(stateful), Template.from_stack(stateless))  # type: ignore[arg-type]
