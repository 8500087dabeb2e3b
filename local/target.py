"""Which AWS a command talks to: a deployed stage (its stacks' outputs), the running local twin (`AWS_ENDPOINT_URL`,
as `make run` prints it), or, with neither, a fresh local AWS started in this process for the command alone."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from local.account import REGION
from shared.aws import client, reset_clients
from shared.settings import reset_settings

OUTPUT_PREFIXES = {"user_pool_id": "DirectoryUserPoolId", "client_id": "DirectoryUserPoolClientId", "api_url": "Api"}
"""How the stacks' CfnOutput logical ids start (CDK appends a hash to outputs inside constructs)."""


@dataclass
class Target:
    kind: str
    """`deployed`, `running` (the twin of `make run`) or `fresh` (an in-process local AWS, gone when done)."""
    outputs: dict[str, str] = field(default_factory=dict)
    user_pool_id: str | None = None
    client_id: str | None = None
    api_url: str | None = None


def stack_outputs(stacks: list[str]) -> dict[str, str]:
    """Every output of the named stacks, or of a `cdk deploy --outputs-file` JSON file given instead of a name."""
    outputs: dict[str, str] = {}
    for stack in stacks:
        path = Path(stack)
        if path.suffix == ".json" and path.is_file():
            for values in json.loads(path.read_text()).values():
                outputs.update({str(k): str(v) for k, v in values.items()})
            continue
        for described in client("cloudformation").describe_stacks(StackName=stack)["Stacks"]:
            outputs.update({o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])})
    return outputs


def _output(outputs: dict[str, str], prefix: str) -> str | None:
    for key, value in outputs.items():
        if key.startswith(prefix) and (prefix != "Api" or "ApiUrl" in key):
            return value
    return None


def _local_defaults() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        os.environ.setdefault(name, value)
    reset_clients()
    reset_settings()


def _local_pool() -> tuple[str | None, str | None]:
    from local.resources import physical_name
    from shared.catalog.platform import USERS

    idp = client("cognito-idp")
    for pool in idp.list_user_pools(MaxResults=60)["UserPools"]:
        if pool["Name"] == physical_name(USERS.id):
            clients = idp.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=10)["UserPoolClients"]
            return pool["Id"], (clients[0]["ClientId"] if clients else None)
    return None, None


def require_region() -> None:
    """Refuse clearly, before any call, when deployed AWS is meant and no region is configured."""
    import boto3

    if not boto3.session.Session().region_name:
        raise SystemExit("deployed AWS needs a region: set AWS_REGION (or use a profile that has one)")


@contextmanager
def aws_target(stacks: list[str] | None = None) -> Iterator[Target]:
    """The AWS to act on. Deployed needs a region (AWS_REGION or the profile's); the others need no AWS setting."""
    if stacks:
        require_region()
        outputs = stack_outputs(stacks)
        yield Target(
            "deployed",
            outputs,
            _output(outputs, OUTPUT_PREFIXES["user_pool_id"]),
            _output(outputs, OUTPUT_PREFIXES["client_id"]),
            _output(outputs, OUTPUT_PREFIXES["api_url"]),
        )
        return
    if os.environ.get("AWS_ENDPOINT_URL"):
        _local_defaults()
        pool_id, client_id = _local_pool()
        yield Target("running", user_pool_id=pool_id, client_id=client_id)
        return
    from local.resources import USER_POOL_CLIENT_ID
    from local.runtime import LocalRuntime
    from shared.catalog.platform import USERS

    print("no AWS_ENDPOINT_URL (make run prints it): using a fresh local AWS in this process", file=sys.stderr)
    saved = dict(os.environ)
    runtime = LocalRuntime(port=0).start()
    try:
        environment = runtime.environment
        yield Target("fresh", user_pool_id=environment[USERS.env_var], client_id=environment[USER_POOL_CLIENT_ID])
    finally:
        runtime.stop()
        os.environ.clear()
        os.environ.update(saved)
        reset_clients()
        reset_settings()
