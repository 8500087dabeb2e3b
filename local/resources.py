"""Creates every catalogued resource in the local AWS and returns the environment that names them."""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Any

from shared import catalog
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_EVENTS_DLQ, SCHEDULER_DLQ
from shared.pipeline import definition
from shared.settings import get_settings, reset_settings

PREFIX = "rp-local"
LAMBDA_ROLE = "rp-local-lambda"
STATES_ROLE = "rp-local-states"
SCHEDULER_ROLE = "rp-local-scheduler"
USER_POOL_CLIENT_ID = "USER_POOL_CLIENT_ID"
"""The local user pool's app client (for the CLI and the smoke suite; no function reads it)."""


def physical_name(resource_id: str) -> str:
    return f"{PREFIX}-{resource_id}"


def create_table(table: catalog.Table) -> None:
    ddb = client("dynamodb")
    keys = [table.partition_key, *([table.sort_key] if table.sort_key else [])]
    attributes = {k.name: k.type for k in keys}
    for index in table.indexes:
        for key in (index.partition_key, index.sort_key):
            if key:
                attributes[key.name] = key.type
    params: dict[str, Any] = {
        "TableName": physical_name(table.id),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in attributes.items()],
        "KeySchema": [
            {"AttributeName": table.partition_key.name, "KeyType": "HASH"},
            *([{"AttributeName": table.sort_key.name, "KeyType": "RANGE"}] if table.sort_key else []),
        ],
    }
    if table.indexes:
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key.name, "KeyType": "HASH"},
                    *([{"AttributeName": index.sort_key.name, "KeyType": "RANGE"}] if index.sort_key else []),
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in table.indexes
        ]
    if table.stream:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    ddb.create_table(**params)
    if table.ttl_attribute:
        ddb.update_time_to_live(
            TableName=physical_name(table.id),
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )


def create_bucket(bucket: catalog.Bucket) -> None:
    s3 = client("s3")
    name = physical_name(bucket.id)
    s3.create_bucket(Bucket=name)
    if bucket.browser_downloads:
        s3.put_bucket_cors(
            Bucket=name,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedMethods": ["GET", "HEAD"],
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["*"],
                        "MaxAgeSeconds": 3000,
                    }
                ]
            },
        )
    if bucket.expiries:
        s3.put_bucket_lifecycle_configuration(
            Bucket=name,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": f"expire-{expiry.prefix.strip('/') or 'all'}",
                        "Filter": {"Prefix": expiry.prefix},
                        "Status": "Enabled",
                        "Expiration": {"Days": expiry.days},
                    }
                    for expiry in bucket.expiries
                ]
            },
        )


def create_queue(queue: catalog.Queue) -> dict[str, str]:
    sqs = client("sqs")
    env: dict[str, str] = {}
    attributes = {"VisibilityTimeout": str(queue.visibility_timeout_s)}
    if queue.dlq_env_var:
        dlq_url = sqs.create_queue(QueueName=physical_name(f"{queue.id}-dlq"))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receive_count)}
        )
        env[queue.dlq_env_var] = dlq_url
    env[queue.env_var] = sqs.create_queue(QueueName=physical_name(queue.id), Attributes=attributes)["QueueUrl"]
    return env


def create_key(key: catalog.EncryptionKey) -> str:
    """A symmetric KMS key in the local AWS; returns its ARN."""
    kms = client("kms")
    arn: str = kms.create_key(Description=key.description)["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=f"alias/{physical_name(key.id)}", TargetKeyId=arn)
    return arn


def _stub_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "# the local runtime calls the real handler in-process\n")
    return buffer.getvalue()


def create_role(name: str, service: str) -> str:
    """An IAM role the local AWS accepts (it checks existence, not permissions)."""
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    arn: str = client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(document))["Role"]["Arn"]
    return arn


def create_functions() -> dict[str, str]:
    """Registers every catalogued function with the local Lambda, so state machines can invoke them by ARN."""
    role_arn = create_role(LAMBDA_ROLE, "lambda.amazonaws.com")
    lam = client("lambda")
    code = _stub_zip()
    arns: dict[str, str] = {}
    for function in catalog.FUNCTIONS:
        arns[function.name] = lam.create_function(
            FunctionName=function.name,
            Runtime="python3.12",
            Role=role_arn,
            Handler=function.handler,
            Code={"ZipFile": code},
            Timeout=function.timeout_s,
            MemorySize=function.memory_mb,
        )["FunctionArn"]
    return arns


def create_directory(directory: catalog.UserDirectory) -> dict[str, str]:
    """The user pool (moto's Cognito) with the attributes the deployed pool has, and its dashboard app client."""
    idp = client("cognito-idp")
    custom = [a.removeprefix("custom:") for a in (directory.tenant_attribute, directory.roles_attribute)]
    pool_id: str = idp.create_user_pool(
        PoolName=physical_name(directory.id),
        AliasAttributes=["email"],
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            *({"Name": name, "AttributeDataType": "String", "Mutable": True} for name in custom),
        ],
    )["UserPool"]["Id"]
    client_id: str = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=physical_name("dashboard"),
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return {directory.env_var: pool_id, USER_POOL_CLIENT_ID: client_id}


def verify_sender() -> None:
    client("ses").verify_email_identity(EmailAddress=get_settings().sender_email)


def create_all() -> dict[str, str]:
    """Create the whole catalog; set and return the environment variables that name it."""
    env: dict[str, str] = {}
    for table in catalog.TABLES:
        create_table(table)
        env[table.env_var] = physical_name(table.id)
    for bucket in catalog.BUCKETS:
        create_bucket(bucket)
        env[bucket.env_var] = physical_name(bucket.id)
    env["PLATFORM_BUCKETS"] = ",".join(physical_name(b.id) for b in catalog.BUCKETS)
    for queue in catalog.QUEUES:
        env.update(create_queue(queue))
    for key in catalog.KEYS:
        env[key.env_var] = create_key(key)
    for directory in catalog.DIRECTORIES:
        env.update(create_directory(directory))
    for api in catalog.WEBSOCKET_APIS:
        # the local HTTP port serves the WebSocket APIs and their connections endpoints (`local.stream`)
        env[api.env_var] = os.environ.get("API_BASE_URL", "http://127.0.0.1:0")  # :0 when no HTTP API runs (a CLI)
    os.environ.update(env)
    reset_settings()
    arns = create_functions()
    env.update(create_pipeline(arns, env))
    os.environ.update(env)
    reset_settings()
    verify_sender()
    return env


def create_pipeline(function_arns: dict[str, str], env: dict[str, str]) -> dict[str, str]:
    """The report state machine from the same ASL file CDK deploys, and the Scheduler group its schedules live in."""
    queue_urls = {q.id: env[q.env_var] for q in catalog.QUEUES}
    state_machine_arn = client("stepfunctions").create_state_machine(
        name=definition.STATE_MACHINE_NAME,
        definition=definition.fill(definition.substitutions(function_arns, queue_urls)),
        roleArn=create_role(STATES_ROLE, "states.amazonaws.com"),
        type="STANDARD",
    )["stateMachineArn"]
    schedule_group = physical_name("subscriptions")
    client("scheduler").create_schedule_group(Name=schedule_group)
    events_dlq = client("sqs").create_queue(QueueName=physical_name(PIPELINE_EVENTS_DLQ.id))["QueueUrl"]
    dlq_arn = client("sqs").get_queue_attributes(QueueUrl=env[SCHEDULER_DLQ.env_var], AttributeNames=["QueueArn"])
    return {
        "STATE_MACHINE_ARN": state_machine_arn,
        "SCHEDULER_ROLE_ARN": create_role(SCHEDULER_ROLE, "scheduler.amazonaws.com"),
        "SCHEDULER_DLQ_ARN": dlq_arn["Attributes"]["QueueArn"],
        "SCHEDULE_GROUP": schedule_group,
        PIPELINE_EVENTS_DLQ.env_var: events_dlq,
    }
