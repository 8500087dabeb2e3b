"""The strict twin: each principal's environment and IAM policy, from the synthesized templates (`local.template`).

`configure` runs after the local resources exist (at start and after each reset: key ARNs change). The IAM check is
on unless `LOCAL_IAM_CHECK=off` (for debugging only); the per-function environment is always on.
"""

from __future__ import annotations

import os

from local import function_env, iam, s3_signatures, template
from local.account import REGION
from shared import catalog

LAMBDA_RUNTIME = "AWS_Lambda_python3.12"


def iam_check_enabled() -> bool:
    return os.environ.get("LOCAL_IAM_CHECK", "on").strip().lower() not in ("off", "0", "false", "no")


def install() -> None:
    """Per-principal `os.environ` and the check on every boto3 client (once per process)."""
    function_env.install()
    iam.install()


def _lake_buckets(resources: dict[str, str]) -> dict[str, str]:
    """DuckDB stands in for Athena: it reads the lake tables' objects by bucket name, which Athena takes from the Glue
    tables. A function that queries gets those names (its S3 reads are still checked against its policy)."""
    buckets = {table.bucket for table in catalog.LAKE_TABLES}
    variables = [spec.env_var for spec in catalog.BUCKETS if spec.id in buckets]
    return {variable: resources[variable] for variable in variables if variable in resources}


def _local_secrets(template_environment: dict[str, str]) -> dict[str, str]:
    """Variables CloudFormation fills from Secrets Manager at deploy (`{{resolve:secretsmanager:...}}`) take the
    laptop's value of the same variable (the local runtime sets one, e.g. `CURSOR_KEY`)."""
    secrets: dict[str, str] = {}
    for variable, value in template_environment.items():
        if value.startswith("{{resolve:"):
            local = function_env.passed_through().get(variable) or os.environ.get(variable)
            if not local:
                raise RuntimeError(f"{variable} is a deploy-time secret: the local runtime must set a local value")
            secrets[variable] = local
    return secrets


def configure(resources: dict[str, str], api_base_url: str, stand_ins: dict[str, str]) -> None:
    """Give every function the environment its synthesized Lambda function carries (local values for the catalog's
    resources, `stand_ins` for what the twin replaces: stage, query engine, push provider), plus what Lambda adds
    (region, function name, credentials); give the state machine's and the Scheduler's role theirs."""
    principals = template.principals(template.LocalNames(resources, api_base_url))
    base = {**function_env.passed_through(), "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}
    environments: dict[str, dict[str, str]] = {}
    for name, principal in principals.items():
        environment = dict(base)
        if principal.environment or name in {f.name for f in catalog.FUNCTIONS}:
            spec = catalog.function_named(name)
            environment.update(principal.environment)
            environment.update(stand_ins)
            environment.update(_local_secrets(principal.environment))
            for api in catalog.WEBSOCKET_APIS:  # the local HTTP port serves each WebSocket API's connections
                if api.env_var in principal.environment and api.env_var in resources:
                    environment[api.env_var] = resources[api.env_var]
            if "API_BASE_URL" in principal.environment:
                environment["API_BASE_URL"] = api_base_url
            if "ATHENA_WORKGROUP" in principal.environment:
                environment.update(_lake_buckets(resources))
            environment.update(
                {
                    "AWS_LAMBDA_FUNCTION_NAME": name,
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
                    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                    "AWS_EXECUTION_ENV": LAMBDA_RUNTIME,
                    "_HANDLER": spec.handler,
                }
            )
        environments[name] = environment
    function_env.configure(environments)
    s3_signatures.KMS_BUCKETS.clear()
    s3_signatures.KMS_BUCKETS.update(template.kms_encrypted_buckets())
    if iam_check_enabled():
        iam.configure({name: principal.statements for name, principal in principals.items()})
    else:
        iam.disable()
