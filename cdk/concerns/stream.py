"""StreamConstruct: seed 003's `WebSocket /api/v1/reporting/stream` as an API Gateway WebSocket API. `$connect` is
authorised by a Lambda REQUEST authorizer (the platform JWT in the `token` query parameter, checked against the
issuer the HTTP API trusts); the DynamoDB streams of the catalog's `stream=True` tables feed the `stream` functions,
which post to the connections endpoint (`execute-api:ManageConnections` on this stage only)."""

from __future__ import annotations

from aws_cdk import CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, aws_apigatewayv2, aws_lambda, aws_logs
from aws_cdk.aws_apigatewayv2_authorizers import WebSocketLambdaAuthorizer
from aws_cdk.aws_apigatewayv2_integrations import WebSocketLambdaIntegration
from aws_cdk.aws_lambda_event_sources import DynamoEventSource
from constructs import Construct

from cdk.api import _AccessLogSettings
from cdk.nag import acknowledge, region_and_account
from cdk.platform import Platform
from shared import catalog
from shared.catalog.stream import REPORTING_STREAM, STREAM_AUTHORIZER, STREAM_CONNECTIONS_FN

STAGE_NAME = REPORTING_STREAM.stage


class StreamConstruct(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, platform: Platform, jwt_issuer: str, jwt_audience: list[str]
    ) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        functions = platform.functions
        authorizer_fn = functions[STREAM_AUTHORIZER.name]
        authorizer_fn.add_environment("JWT_ISSUER", jwt_issuer)
        authorizer_fn.add_environment("JWT_AUDIENCE", ",".join(jwt_audience))
        authorizer = WebSocketLambdaAuthorizer(
            "StreamAuthorizer", authorizer_fn, identity_source=["route.request.querystring.token"]
        )
        routes = WebSocketLambdaIntegration("StreamConnections", functions[STREAM_CONNECTIONS_FN.name])
        self.api = aws_apigatewayv2.WebSocketApi(
            self,
            "ReportingStream",
            description="Live job and delivery status (seed 003's /api/v1/reporting/stream)",
            connect_route_options=aws_apigatewayv2.WebSocketRouteOptions(integration=routes, authorizer=authorizer),
            disconnect_route_options=aws_apigatewayv2.WebSocketRouteOptions(integration=routes),
            default_route_options=aws_apigatewayv2.WebSocketRouteOptions(integration=routes),
        )
        access_logs = aws_logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=f"/aws/vendedlogs/apigateway/{platform.config.name('stream-api')}",
            retention=aws_logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.stage = aws_apigatewayv2.WebSocketStage(
            self,
            "Stage",
            web_socket_api=self.api,
            stage_name=STAGE_NAME,
            auto_deploy=True,
            access_log_settings=_AccessLogSettings(aws_apigatewayv2.LogGroupLogDestination(access_logs)),
            throttle=aws_apigatewayv2.ThrottleSettings(rate_limit=100, burst_limit=200),
        )
        stack = Stack.of(self)
        region, account = region_and_account(stack)
        api_resource = self.api.node.default_child
        assert isinstance(api_resource, CfnElement)
        for spec in catalog.FUNCTIONS:
            if spec.name not in functions:  # built elsewhere (the user pool's trigger, in the stateful stack)
                continue
            function = functions[spec.name]
            if any(g.resource == REPORTING_STREAM.id and g.access == "manage_connections" for g in spec.grants):
                self.stage.grant_management_api_access(function)
                function.add_environment(REPORTING_STREAM.env_var, self.stage.callback_url)
                acknowledge(
                    function,
                    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:"
                    f"{region}:{account}:<{stack.get_logical_id(api_resource)}>/{STAGE_NAME}/*/@connections/*]",
                    "Connection ids are made by API Gateway at run time; the grant is this stage's connections only.",
                )
            if spec.kind == "stream":
                self._read_streams(function, spec)
        acknowledge(
            self.api,
            "AwsSolutions-APIG4",
            "Only $connect can carry an authorizer on a WebSocket API; it does, and later routes use its connection.",
        )
        CfnOutput(self, "StreamUrl", value=self.stage.url)

    def _read_streams(self, function: aws_lambda.Function, spec: catalog.Function) -> None:
        for table_id in spec.streams:
            function.add_event_source(
                DynamoEventSource(
                    self.platform.storage.tables[table_id],
                    starting_position=aws_lambda.StartingPosition.LATEST,
                    batch_size=100,
                    max_batching_window=Duration.seconds(0),
                    retry_attempts=2,
                    bisect_batch_on_error=True,
                    max_record_age=Duration.minutes(5),
                    report_batch_item_failures=False,
                )
            )
