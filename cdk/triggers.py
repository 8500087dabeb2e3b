"""TriggersConstruct: EventBridge rules for the cron functions, SQS event sources for the queue consumers, and the
on-failure destination of every asynchronously invoked function."""

from __future__ import annotations

from aws_cdk import (
    Duration,
    aws_events,
    aws_events_targets,
    aws_lambda,
    aws_lambda_destinations,
    aws_lambda_event_sources,
)
from constructs import Construct

from cdk.nag import acknowledge_grant_actions
from cdk.storage import StorageConstruct
from shared import catalog
from shared.catalog.pipeline import PIPELINE_MARK_FAILED
from shared.catalog.platform import ASYNC_FAILURES

ASYNC_RULE_TARGETS = (PIPELINE_MARK_FAILED.name,)
"""Functions invoked asynchronously by an EventBridge rule other than their cron (execution status changes)."""


def invoked_asynchronously(spec: catalog.Function) -> bool:
    return spec.kind == "cron" or spec.name in ASYNC_RULE_TARGETS


class TriggersConstruct(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, functions: dict[str, aws_lambda.Function], storage: StorageConstruct
    ) -> None:
        super().__init__(scope, construct_id)
        self.rules: dict[str, aws_events.Rule] = {}
        for spec in catalog.FUNCTIONS:
            if spec.name not in functions:
                continue
            function = functions[spec.name]
            if spec.kind == "cron" and spec.schedule:
                self.rules[spec.name] = aws_events.Rule(
                    self,
                    f"Cron-{spec.name}",
                    description=f"Runs {spec.name}: {spec.description}",
                    schedule=aws_events.Schedule.expression(spec.schedule),
                    targets=[
                        aws_events_targets.LambdaFunction(function, retry_attempts=2, max_event_age=Duration.hours(1))
                    ],
                )
            if invoked_asynchronously(spec):
                function.configure_async_invoke(
                    on_failure=aws_lambda_destinations.SqsDestination(storage.queues[ASYNC_FAILURES.id]),
                    retry_attempts=2,
                    max_event_age=Duration.hours(6),
                )
                acknowledge_grant_actions(function)
            if spec.kind == "queue" and spec.queue:
                function.add_event_source(
                    aws_lambda_event_sources.SqsEventSource(
                        storage.queues[spec.queue],
                        batch_size=10,
                        max_batching_window=Duration.seconds(1),
                        report_batch_item_failures=True,
                    )
                )
