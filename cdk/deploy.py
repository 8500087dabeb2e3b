"""`make deploy`: check the settings (refusing missing and placeholder ones before any CloudFormation change),
bootstrap the account and region when CDK's bootstrap stack is absent, then deploy both stacks.

`python -m cdk.deploy [-c key=value ...] [--dry-run]`; context comes from `cdk.json` and the `-c` options."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cdk.config import DeployConfig, DeployConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
CDK = ["npx", "--yes", "aws-cdk@2"]
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
"""Written by CDK's default bootstrap (qualifier hnb659fds, stack CDKToolkit); absent: not bootstrapped."""

Runner = Callable[[list[str]], int]


def context_of(options: Sequence[str], cdk_json: Path = REPO_ROOT / "cdk.json") -> dict[str, object]:
    """`cdk.json`'s context overlaid with each `key=value` given by `-c`."""
    context: dict[str, object] = dict(json.loads(cdk_json.read_text()).get("context", {}))
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise DeployConfigError(f"-c {option!r}: context options are key=value")
        context[key.strip()] = value
    return context


def caller_environment() -> tuple[str, str]:
    """The account and region of the current AWS credentials (what `cdk deploy` will deploy into)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.session.Session()
    if not session.region_name:
        raise DeployConfigError("no AWS region: set AWS_REGION (or a profile with a region), or give -c region=...")
    try:
        account = session.client("sts").get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as error:
        raise DeployConfigError(f"no usable AWS credentials: {error}") from None
    return str(account), session.region_name


def is_bootstrapped(region: str, ssm: Any = None) -> bool:
    """Whether CDK's bootstrap (the CDKToolkit stack) is in this region: its version parameter exists."""
    import boto3

    client = ssm or boto3.session.Session().client("ssm", region_name=region)
    try:
        client.get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
    except client.exceptions.ParameterNotFound:
        return False
    return True


def _run(command: list[str]) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=REPO_ROOT, check=False).returncode  # noqa: S603 - our own command line


def deploy(
    options: Sequence[str],
    run: Runner = _run,
    environment: Callable[[], tuple[str, str]] = caller_environment,
    bootstrapped: Callable[[str], bool] = is_bootstrapped,
    dry_run: bool = False,
) -> int:
    """Check, bootstrap when needed, deploy. Nothing is changed in AWS when a check fails (exit 2)."""
    try:
        context = context_of(options)
        if str(context.get("allowPlaceholders", "")).lower() == "true":
            raise DeployConfigError("allowPlaceholders is for synth only; a deploy never allows placeholders")
        DeployConfig.from_values(context, strict=True)
        account, region = environment()
        region = str(context.get("region") or region)
        account = str(context.get("account") or account)
    except DeployConfigError as error:
        print(f"make deploy: {error}", file=sys.stderr, flush=True)
        return 2
    extra = [arg for option in options for arg in ("-c", option)]
    if not bootstrapped(region):
        print(f"aws://{account}/{region} is not bootstrapped for CDK: bootstrapping it first", flush=True)
        if dry_run:
            print("(dry run: not bootstrapping)")
        elif code := run([*CDK, "bootstrap", f"aws://{account}/{region}", *extra]):
            return code
    command = [*CDK, "deploy", "--all", "--require-approval", "never", *extra]
    if dry_run:
        print("(dry run) would run: " + " ".join(command))
        return 0
    return run(command)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cdk.deploy", description=__doc__)
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    args = parser.parse_args(argv)
    return deploy(args.context, dry_run=args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
