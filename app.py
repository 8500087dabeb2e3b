"""CDK app entry: the stateful and the stateless stack, with cdk-nag's AwsSolutions checks on every synth."""

from __future__ import annotations

import os
import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from cdk.config import DeployConfig, DeployConfigError
from cdk.stateful import StatefulStack
from cdk.stateless import StatelessStack

FEATURE_FLAGS: dict[str, object] = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
}


def build_app(context: dict[str, object] | None = None, outdir: str | None = None, strict: bool = False) -> cdk.App:
    """Both stacks; `strict` (every deploy: `cdk.json`'s app command) refuses missing and placeholder settings."""
    app = cdk.App(context={**FEATURE_FLAGS, **(context or {})}, outdir=outdir)
    config = DeployConfig.from_context(app.node, strict=strict)
    env = cdk.Environment(account=config.account, region=config.region)
    stateful = StatefulStack(app, "ReportPlatformStateful", config, env=env, stack_name=config.stack_name("stateful"))
    StatelessStack(
        app,
        "ReportPlatformStateless",
        stateful.storage,
        config,
        stateful.analytics,
        directory=stateful.directory,
        env=env,
        stack_name=config.stack_name("stateless"),
    )
    cdk.Tags.of(app).add("project", "report-platform")
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))  # type: ignore[arg-type]
    return app


if __name__ == "__main__":
    try:
        strict = os.environ.get("SYNTH_ONLY") != "1"
        build_app(outdir=None if os.environ.get("CDK_OUTDIR") else "cdk.out", strict=strict).synth()
    except DeployConfigError as error:
        sys.exit(str(error))
