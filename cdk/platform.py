"""What every concern construct of the stateless stack is handed: the stateful resources and the shared wiring."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_lambda

from cdk.analytics import AnalyticsConstruct
from cdk.api import ApiConstruct
from cdk.concerns.push import PushAccess
from cdk.config import DeployConfig
from cdk.monitoring import MonitoringConstruct
from cdk.storage import StorageConstruct


@dataclass(frozen=True)
class Platform:
    config: DeployConfig
    storage: StorageConstruct
    functions: dict[str, aws_lambda.Function]
    api: ApiConstruct
    monitoring: MonitoringConstruct
    analytics: AnalyticsConstruct
    push: PushAccess
    """The push secret, imported once, and the one SNS push grant of every function that sends push."""
