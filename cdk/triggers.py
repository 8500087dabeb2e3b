"""TriggersConstruct: EventBridge rules for the cron functions and SQS event sources for the queue consumers."""

from __future__ import annotations

from aws_cdk import Duration, aws_events, aws_events_targets, aws_lambda, aws_lambda_event_sources
from constructs import Construct

from cdk.storage import StorageConstruct
from shared import catalog


class TriggersConstruct(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, functions: dict[str, aws_lambda.Function], storage: StorageConstruct
    ) -> None:
        super().__init__(scope, construct_id)
        self.rules: dict[str, aws_events.Rule] = {}
        for spec in catalog.FUNCTIONS:
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
            elif spec.kind == "queue" and spec.queue:
                function.add_event_source(
                    aws_lambda_event_sources.SqsEventSource(
                        storage.queues[spec.queue],
                        batch_size=10,
                        max_batching_window=Duration.seconds(1),
                        report_batch_item_failures=True,
                    )
                )
