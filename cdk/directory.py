"""DirectoryConstruct (stateful stack): the platform's Cognito user pool, its dashboard/API app client, and the
pre-token-generation trigger that adds `tenant` and `roles` to ID tokens. Built only when no outside issuer is given."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack, aws_cognito, aws_iam, aws_lambda, aws_logs
from constructs import Construct

from cdk import bundling
from cdk.config import DeployConfig
from cdk.nag import acknowledge
from shared.catalog.platform import PRE_TOKEN_GENERATION, USERS

TENANT = USERS.tenant_attribute.removeprefix("custom:")
ROLES = USERS.roles_attribute.removeprefix("custom:")


class DirectoryConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        self.trigger = aws_lambda.Function(
            self,
            f"Fn-{PRE_TOKEN_GENERATION.name}",
            function_name=config.name(PRE_TOKEN_GENERATION.name),
            description=PRE_TOKEN_GENERATION.description,
            runtime=aws_lambda.Runtime.PYTHON_3_12,
            handler=PRE_TOKEN_GENERATION.handler,
            code=bundling.code_asset(),
            memory_size=PRE_TOKEN_GENERATION.memory_mb,
            timeout=Duration.seconds(PRE_TOKEN_GENERATION.timeout_s),
            tracing=aws_lambda.Tracing.ACTIVE,
            logging_format=aws_lambda.LoggingFormat.JSON,
            log_group=aws_logs.LogGroup(
                self,
                "PreTokenGenerationLogs",
                log_group_name=f"/aws/lambda/{config.name(PRE_TOKEN_GENERATION.name)}",
                retention=aws_logs.RetentionDays.ONE_MONTH,
                removal_policy=RemovalPolicy.DESTROY,
            ),
        )
        self.user_pool = aws_cognito.UserPool(
            self,
            "Users",
            user_pool_name=config.name(USERS.id),
            self_sign_up_enabled=False,
            sign_in_aliases=aws_cognito.SignInAliases(username=True, email=True),
            auto_verify=aws_cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=aws_cognito.StandardAttributes(
                email=aws_cognito.StandardAttribute(required=True, mutable=True),
                fullname=aws_cognito.StandardAttribute(required=False, mutable=True),
            ),
            custom_attributes={
                TENANT: aws_cognito.StringAttribute(min_len=1, max_len=64, mutable=False),
                ROLES: aws_cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
            },
            password_policy=aws_cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=aws_cognito.Mfa.OPTIONAL,
            mfa_second_factor=aws_cognito.MfaSecondFactor(sms=False, otp=True),
            account_recovery=aws_cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.user_pool.add_trigger(
            aws_cognito.UserPoolOperation.PRE_TOKEN_GENERATION, self.trigger, aws_cognito.LambdaVersion.V1_0
        )
        self.client = self.user_pool.add_client(
            "Dashboard",
            user_pool_client_name=config.name("dashboard"),
            auth_flows=aws_cognito.AuthFlow(user_srp=True, user_password=True, admin_user_password=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            read_attributes=aws_cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes(TENANT, ROLES),
            write_attributes=aws_cognito.ClientAttributes().with_standard_attributes(fullname=True),
            disable_o_auth=True,
        )
        region = Stack.of(self).region
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{self.user_pool.user_pool_id}"
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id, description="The platform's user directory")
        CfnOutput(self, "UserPoolClientId", value=self.client.user_pool_client_id, description="Dashboard/API client")
        self._acknowledge()

    def grant_read(self, function: aws_lambda.Function) -> None:
        """Let `function` look users up (AdminGetUser, ListUsers) in this pool only."""
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=["cognito-idp:AdminGetUser", "cognito-idp:ListUsers"],
                resources=[self.user_pool.user_pool_arn],
            )
        )

    def _acknowledge(self) -> None:
        acknowledge(
            self.trigger,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "The AWS-managed basic execution role only lets the trigger write its own logs.",
        )
        acknowledge(self.trigger, "AwsSolutions-IAM5[Resource::*]", "X-Ray tracing has no resource-level permissions.")
        acknowledge(self.trigger, "AwsSolutions-L1", "python3.12 on purpose, like every function of the platform.")
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG2",
            "MFA is optional (TOTP): tenants choose; admins are advised to enable it (README, Users and sign-in).",
        )
        for rule in ("AwsSolutions-COG3", "AwsSolutions-COG8"):
            acknowledge(
                self.user_pool,
                rule,
                "Threat protection needs the Plus feature plan (extra cost per user); left to the operator to choose.",
            )
