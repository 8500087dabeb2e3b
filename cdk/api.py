"""ApiConstruct: the HTTP API (API Gateway v2), a JWT authorizer on every route but the public ones, access logs."""

from __future__ import annotations

import jsii
from aws_cdk import CfnOutput, Duration, RemovalPolicy, aws_apigatewayv2, aws_lambda, aws_logs
from aws_cdk.aws_apigatewayv2_authorizers import HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from constructs import Construct

from cdk.config import DeployConfig
from cdk.directory import DirectoryConstruct
from shared import catalog

_METHODS = {m.value: m for m in aws_apigatewayv2.HttpMethod}


@jsii.implements(aws_apigatewayv2.IAccessLogSettings)
class _AccessLogSettings:
    """Access logs to a log group, in API Gateway's default CLF-like format."""

    def __init__(self, destination: aws_apigatewayv2.IAccessLogDestination) -> None:
        self._destination = destination

    @property
    def destination(self) -> aws_apigatewayv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> None:
        return None


class ApiConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        functions: dict[str, aws_lambda.Function],
        config: DeployConfig,
        directory: DirectoryConstruct | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if directory is not None:
            issuer, audience = directory.issuer, [directory.client.user_pool_client_id]
        else:
            assert config.jwt_issuer, "an outside issuer, or the platform's user pool"
            issuer, audience = config.jwt_issuer, list(config.jwt_audience)
        self.jwt_issuer, self.jwt_audience = issuer, audience
        """Who signs the tokens the API (and the live stream's `$connect`) accepts, and for which client ids."""
        self.authorizer = HttpJwtAuthorizer(
            "Jwt", issuer, jwt_audience=audience, identity_source=["$request.header.Authorization"]
        )
        access_logs = aws_logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=f"/aws/vendedlogs/apigateway/{config.name('http-api')}",
            retention=aws_logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.http_api = aws_apigatewayv2.HttpApi(
            self,
            "HttpApi",
            description="Report platform HTTP API",
            create_default_stage=False,
        )
        self.stage = aws_apigatewayv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=_AccessLogSettings(aws_apigatewayv2.LogGroupLogDestination(access_logs)),
            throttle=aws_apigatewayv2.ThrottleSettings(rate_limit=200, burst_limit=400),
        )
        self.public_routes: list[aws_apigatewayv2.HttpRoute] = []
        self.lambda_authorizers: dict[str, HttpLambdaAuthorizer] = {}
        for spec in catalog.FUNCTIONS:
            if spec.kind != "api":
                continue
            integration = HttpLambdaIntegration(f"Integration-{spec.name}", functions[spec.name])
            authorizer = self._lambda_authorizer(spec.authorizer, functions) if spec.authorizer else self.authorizer
            for key, public in [*((k, False) for k in spec.routes), *((k, True) for k in spec.public_routes)]:
                method, _, path = key.partition(" ")
                routes = self.http_api.add_routes(
                    path=path,
                    methods=[_METHODS[method]],
                    integration=integration,
                    authorizer=None if public else authorizer,
                )
                if public:
                    self.public_routes.extend(routes)
        CfnOutput(self, "ApiUrl", value=self.stage.url)

    def _lambda_authorizer(self, name: str, functions: dict[str, aws_lambda.Function]) -> HttpLambdaAuthorizer:
        """The Lambda REQUEST authorizer a catalog entry names (one per function, shared by its routes): simple
        responses, the `Authorization` header as identity source, no result cache (a revoked key stops at once)."""
        if name not in self.lambda_authorizers:
            self.lambda_authorizers[name] = HttpLambdaAuthorizer(
                f"Authorizer-{name}",
                functions[name],
                response_types=[HttpLambdaResponseType.SIMPLE],
                identity_source=["$request.header.Authorization"],
                results_cache_ttl=Duration.seconds(0),
            )
        return self.lambda_authorizers[name]
