"""Every command in the README's code blocks works from a shell with no AWS settings at all (no region, no
credentials, no `~/.aws`): local commands succeed on a fresh local AWS, deployed ones (`--stack`) refuse clearly.

`make deploy CONTEXT=...` runs as its script (`python -m cdk.deploy -c ...`, skipping the npm install), which must
refuse before any change for want of a region; other `make` targets are left to their own tests (`make smoke`:
test_smoke.py; `make run`/`make test`: test_cli.py and the suites themselves); `curl` needs a running server."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)
SKIPPED_PREFIXES = ("make ", "curl ")


def readme_commands() -> list[str]:
    """The README's shell commands: continuation lines joined, trailing `# comments` dropped."""
    commands = []
    for block in BLOCK.findall((ROOT / "README.md").read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.split(r"\s{2,}#\s", line.strip(), maxsplit=1)[0].strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def runnable(command: str) -> str | None:
    """The command to run (`TOKEN=$(cmd)` runs `cmd`), or None for one left to other tests."""
    deploy = re.fullmatch(r'make deploy CONTEXT="(.*)"', command)
    if deploy:
        return " ".join([".venv/bin/python -m cdk.deploy", *(f"-c {c}" for c in deploy.group(1).split())])
    if command.startswith(SKIPPED_PREFIXES):
        return None
    assignment = re.fullmatch(r"\w+=\$\((.*)\)", command)
    return assignment.group(1) if assignment else command


KEPT = ("PATH", "LANG", "LC_ALL", "TERM", "TMPDIR", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION")
"""What a fresh shell has; nothing the test session's own runtime exported (resource names, `STAGE`, endpoints)."""


def empty_aws_environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in KEPT}
    env.update({"HOME": str(home), "LOCAL_STATE_DIR": str(home / ".local")})
    return env


def test_the_readme_has_commands_to_check() -> None:
    commands = [c for c in map(runnable, readme_commands()) if c]
    assert len(commands) >= 8, commands
    assert any("init-defaults" in c for c in commands)
    assert any("user add" in c and "--stack" not in c for c in commands)


@pytest.mark.parametrize("command", [c for c in map(runnable, readme_commands()) if c])
def test_a_readme_command_works_without_any_aws_setting(command: str, tmp_path: Path) -> None:
    result = subprocess.run(
        shlex.split(command),
        cwd=ROOT,
        env=empty_aws_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    if "cdk.deploy" in command:
        assert result.returncode == 2
        assert "make deploy: no AWS region: set AWS_REGION" in output, output
    elif "--stack" in command:
        assert result.returncode != 0
        assert "needs a region: set AWS_REGION" in output, output
    else:
        assert result.returncode == 0, output
