"""Deployment settings read from CDK context (`cdk.json`, `-c key=value`) or the environment, with offline defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

from constructs import Node

LOCAL_STAGE = "local"


@dataclass(frozen=True)
class DeployConfig:
    account: str
    region: str
    stage: str
    jwt_issuer: str
    jwt_audience: tuple[str, ...]
    sender_email: str
    alarm_email: str | None
    bundle_assets: bool

    @classmethod
    def from_context(cls, node: Node) -> DeployConfig:
        def get(key: str, default: str | None = None) -> str | None:
            value = node.try_get_context(key)
            return str(value) if value is not None else default

        audience = get("jwtAudience", "report-platform") or "report-platform"
        stage = get("stage", "prod") or "prod"
        if stage == LOCAL_STAGE:
            raise ValueError(
                f"stage {LOCAL_STAGE!r} is the laptop's (it allows loopback targets); deploy another stage"
            )
        return cls(
            account=get("account", os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012")) or "123456789012",
            region=get("region", os.environ.get("CDK_DEFAULT_REGION", "us-east-1")) or "us-east-1",
            stage=stage,
            jwt_issuer=get("jwtIssuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE") or "",
            jwt_audience=tuple(a.strip() for a in audience.split(",") if a.strip()),
            sender_email=get("senderEmail", "reports@example.com") or "reports@example.com",
            alarm_email=get("alarmEmail"),
            bundle_assets=(get("bundleAssets", "true") or "true").lower() != "false",
        )
