"""PipelineConstruct: the report state machine (Standard, from the one ASL file), the Scheduler group and role that
start it, and the permissions of the pipeline functions beyond their catalog grants (Step Functions, Scheduler, SES)."""

from __future__ import annotations

from aws_cdk import (
    ArnFormat,
    Duration,
    RemovalPolicy,
    Stack,
    aws_events,
    aws_events_targets,
    aws_iam,
    aws_logs,
    aws_scheduler,
    aws_sqs,
    aws_stepfunctions,
)
from constructs import Construct

from cdk.nag import acknowledge
from cdk.platform import Platform
from shared.catalog.delivery import EMAIL_SENDERS as DELIVERY_EMAIL_SENDERS
from shared.catalog.delivery import JOB_SWEEPER
from shared.catalog.pipeline import (
    PIPELINE_COMPLETE,
    PIPELINE_DELIVER,
    PIPELINE_DLQ,
    PIPELINE_MARK_FAILED,
    SCHEDULER_DLQ,
    SCHEDULING_APIS,
    STATUS_CHANGE_TARGET,
)
from shared.pipeline import definition
from shared.pipeline.state import ENDED_BADLY


class PipelineConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        functions, storage = platform.functions, platform.storage
        stack = Stack.of(self)
        config = platform.config
        schedule_group = config.name("subscriptions")
        logs = aws_logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"{storage.vended_logs_prefix}report-pipeline",
            encryption_key=storage.key,  # execution data holds recipients' addresses
            retention=aws_logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.state_machine = aws_stepfunctions.StateMachine(
            self,
            "ReportPipeline",
            state_machine_name=config.name("report-pipeline"),
            state_machine_type=aws_stepfunctions.StateMachineType.STANDARD,
            definition_body=aws_stepfunctions.DefinitionBody.from_file(str(definition.ASL_PATH)),
            definition_substitutions=definition.substitutions(
                {name: functions[name].function_arn for name in definition.FUNCTION_PLACEHOLDERS.values()},
                {q.id: storage.queues[q.id].queue_url for q in definition.QUEUE_URL_PLACEHOLDERS.values()},
            ),
            logs=aws_stepfunctions.LogOptions(
                destination=logs, level=aws_stepfunctions.LogLevel.ALL, include_execution_data=True
            ),
            tracing_enabled=True,
            timeout=Duration.hours(1),
        )
        for name in definition.FUNCTION_PLACEHOLDERS.values():
            functions[name].grant_invoke(self.state_machine)
        self._status_change_rule(stack)

        self.schedule_group = aws_scheduler.CfnScheduleGroup(self, "Schedules", name=schedule_group)
        self.scheduler_role = aws_iam.Role(
            self,
            "SchedulerRole",
            assumed_by=aws_iam.ServicePrincipal(
                "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": stack.account}}
            ),
            description="EventBridge Scheduler starts the report pipeline for each subscription's schedule",
        )
        self.state_machine.grant_start_execution(self.scheduler_role)
        scheduler_dlq = storage.queues[SCHEDULER_DLQ.id]
        scheduler_dlq.grant_send_messages(self.scheduler_role)

        for api_name in SCHEDULING_APIS:
            api = functions[api_name]
            for variable, value in {
                "STATE_MACHINE_ARN": self.state_machine.state_machine_arn,
                "SCHEDULER_ROLE_ARN": self.scheduler_role.role_arn,
                "SCHEDULER_DLQ_ARN": scheduler_dlq.queue_arn,
                "SCHEDULE_GROUP": schedule_group,
            }.items():
                api.add_environment(variable, value)
            self.state_machine.grant_start_execution(api)
            self.scheduler_role.grant_pass_role(api.grant_principal)
            api.add_to_role_policy(
                aws_iam.PolicyStatement(
                    actions=[
                        "scheduler:CreateSchedule",
                        "scheduler:UpdateSchedule",
                        "scheduler:DeleteSchedule",
                        "scheduler:GetSchedule",
                    ],
                    resources=[
                        stack.format_arn(service="scheduler", resource="schedule", resource_name=f"{schedule_group}/*")
                    ],
                )
            )
            acknowledge(
                api,
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:{stack.region}:{stack.account}:schedule/"
                f"{schedule_group}/*]",
                "Schedules are created per subscription at run time; the grant is limited to the platform's own group.",
            )
        job_sweeper = functions[JOB_SWEEPER.name]
        job_sweeper.add_environment("STATE_MACHINE_ARN", self.state_machine.state_machine_arn)
        self.state_machine.grant_start_execution(job_sweeper)

        sender = platform.config.sender_email
        identities = [
            stack.format_arn(service="ses", resource="identity", resource_name=sender),
            stack.format_arn(service="ses", resource="identity", resource_name=sender.rsplit("@", 1)[-1]),
        ]
        base_url = platform.api.stage.url.rstrip("/")
        email_senders = (
            PIPELINE_DELIVER.name,
            PIPELINE_MARK_FAILED.name,
            PIPELINE_COMPLETE.name,
            *DELIVERY_EMAIL_SENDERS,
        )
        for name in dict.fromkeys((*email_senders, *SCHEDULING_APIS)):
            functions[name].add_environment("API_BASE_URL", base_url)
        for name in dict.fromkeys(email_senders):
            functions[name].add_to_role_policy(
                aws_iam.PolicyStatement(actions=["ses:SendEmail", "ses:SendRawEmail"], resources=identities)
            )
            functions[name].add_to_role_policy(aws_iam.PolicyStatement(actions=["ses:GetSendQuota"], resources=["*"]))
            acknowledge(
                functions[name],
                "AwsSolutions-IAM5[Resource::*]",
                "ses:GetSendQuota has no resource-level permission; it is read once per cold start to pace sends.",
            )

        monitoring = platform.monitoring
        monitoring.monitor_dead_letter_queue("pipeline-dlq", storage.queues[PIPELINE_DLQ.id])
        monitoring.monitor_dead_letter_queue("scheduler-dlq", scheduler_dlq)
        monitoring.monitor_state_machine(self.state_machine, "report-pipeline")
        monitoring.alarm_on(
            "pipeline-events-dlq",
            self.events_dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
            "A failed report execution could not be recorded (mark-failed refused its status-change event)",
        )
        for name in definition.FUNCTION_PLACEHOLDERS.values():
            logical_id = stack.get_logical_id(functions[name].node.default_child)  # type: ignore[arg-type]
            acknowledge(
                self.state_machine,
                f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>:*]",
                "The Step Functions L2 grant lets the state machine invoke the versions and aliases of its own tasks.",
            )
        for role in (self.state_machine, self.scheduler_role):
            for action in ("kms:GenerateDataKey*", "kms:ReEncrypt*"):
                acknowledge(
                    role,
                    f"AwsSolutions-IAM5[Action::{action}]",
                    "Sending to a KMS-encrypted dead-letter queue needs the key's data-key actions (L2 grant).",
                )
        acknowledge(
            self.state_machine,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray tracing and CloudWatch Logs delivery of the state machine have no resource-level permissions.",
        )

    def _status_change_rule(self, stack: Stack) -> None:
        """The rule on the state machine's "Execution Status Change" events (FAILED, TIMED_OUT, ABORTED) that invokes
        mark-failed, with the target's retry policy and dead-letter queue; mark-failed reads the execution's history."""
        functions = self.platform.functions
        self.events_dlq = aws_sqs.Queue(
            self,
            "StatusChangeDlq",
            encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(self.events_dlq, "AwsSolutions-SQS3", "It is itself the dead-letter queue of the rule's target.")
        mark_failed = functions[STATUS_CHANGE_TARGET.function]
        self.status_change_rule = aws_events.Rule(
            self,
            "ExecutionEndedBadly",
            description="Report pipeline executions that ended FAILED, TIMED_OUT or ABORTED: recorded by mark-failed",
            event_pattern=aws_events.EventPattern(
                source=["aws.states"],
                detail_type=[definition.STATUS_CHANGE_DETAIL_TYPE],
                detail={"status": list(ENDED_BADLY), "stateMachineArn": [self.state_machine.state_machine_arn]},
            ),
            targets=[
                aws_events_targets.LambdaFunction(
                    mark_failed,
                    dead_letter_queue=self.events_dlq,
                    retry_attempts=STATUS_CHANGE_TARGET.retry_attempts,
                    max_event_age=Duration.seconds(STATUS_CHANGE_TARGET.max_event_age_s),
                )
            ],
        )
        executions = stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.state_machine.state_machine_name}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        mark_failed.add_to_role_policy(
            aws_iam.PolicyStatement(actions=["states:GetExecutionHistory"], resources=[executions])
        )
        acknowledge(
            mark_failed,
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:{stack.region}:{stack.account}:execution:"
            f"<{stack.get_logical_id(self.state_machine.node.default_child)}.Name>:*]",  # type: ignore[arg-type]
            "mark-failed reads the history of whichever execution of the report state machine ended badly.",
        )
