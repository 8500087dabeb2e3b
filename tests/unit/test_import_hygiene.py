"""What a Lambda function imports at cold start: never the twin, the tests, CDK or a demo generator (they are not in
its bundle), and none of the heavy libraries that only some invocations need (issue 16: X-Ray SDK, asyncssh, fpdf2,
openpyxl, powertools' OpenAPI models). Each function module is imported in a fresh child with its deployed
environment, and the child's `sys.modules` is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_cold_start import function_environment
from cdk.bundling import CODE_PACKAGES, DEMO_MODULES, CopyCode
from shared import catalog

REPO_ROOT = Path(__file__).resolve().parents[2]
NOT_IN_BUNDLE = ("local", "tests", "benchmarks", "cdk", *DEMO_MODULES)
HEAVY = ("aws_xray_sdk", "asyncssh", "fpdf", "openpyxl", "PIL", "aws_lambda_powertools.event_handler.openapi.models")
ALLOWED_HEAVY = {"docs-api": {"aws_lambda_powertools.event_handler.openapi.models"}}
"""The docs function exists to serve the OpenAPI document: its models are its work."""

CHILD = """
import importlib, json, os, sys
import boto3, pydantic  # the base every function shares, imported once before the forks
prefixes = tuple(json.loads(sys.argv[1]))
found = {}
for name, module, environment in json.load(sys.stdin):
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        os.environ.clear()
        os.environ.update(environment)
        try:
            importlib.import_module(module)
            hits = sorted(m for m in sys.modules if any(m == p or m.startswith(p + ".") for p in prefixes))
        except BaseException as error:
            hits = ["IMPORT FAILED: " + repr(error)]
        with os.fdopen(write, "w") as out:
            out.write(json.dumps(hits))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        found[name] = json.loads(answer.read())
    os.wait()
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def imported() -> dict[str, list[str]]:
    """Function name → the checked modules its handler module imports (or the import error)."""
    functions = [(f.name, f.handler.rsplit(".", 1)[0], function_environment(f)) for f in catalog.FUNCTIONS]
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps([*NOT_IN_BUNDLE, *HEAVY])],
        input=json.dumps(functions),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    found: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_every_catalogued_function_imports_cleanly(imported: dict[str, list[str]]) -> None:
    failed = {name: hits for name, hits in imported.items() if any(h.startswith("IMPORT FAILED") for h in hits)}
    assert not failed
    assert set(imported) == {f.name for f in catalog.FUNCTIONS}


def test_no_function_imports_what_its_bundle_leaves_out(imported: dict[str, list[str]]) -> None:
    leaks = {
        name: [m for m in hits if m.split(".")[0] in NOT_IN_BUNDLE or m in DEMO_MODULES]
        for name, hits in imported.items()
    }
    assert {name: hits for name, hits in leaks.items() if hits} == {}


def test_no_function_imports_a_heavy_library_at_cold_start(imported: dict[str, list[str]]) -> None:
    heavy = {
        name: sorted(
            {p for p in HEAVY for m in hits if m == p or m.startswith(p + ".")} - ALLOWED_HEAVY.get(name, set())
        )
        for name, hits in imported.items()
    }
    assert {name: libraries for name, libraries in heavy.items() if libraries} == {}


def test_the_code_asset_holds_functions_and_shared_without_the_demo_generators(tmp_path: Path) -> None:
    CopyCode().try_bundle(str(tmp_path), image=None)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "dashboard") == sorted(CODE_PACKAGES)
    for module in DEMO_MODULES:
        assert not (tmp_path / (module.replace(".", "/") + ".py")).exists()
    handlers = {f.handler.rsplit(".", 1)[0] for f in catalog.FUNCTIONS}
    assert all((tmp_path / (h.replace(".", "/") + ".py")).is_file() for h in handlers)
    assert (tmp_path / "shared" / "delivery" / "channels" / "sftp.py").is_file()
