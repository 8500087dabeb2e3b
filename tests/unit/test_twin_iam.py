"""The local twin's IAM check on its own: which action and resource each call needs, how statements match, and the
error a refusal raises."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from local import iam
from local.function_env import access_key_of

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/rp-local-jobs"
QUEUE_URL = "http://127.0.0.1:5000/123456789012/rp-local-harvester"


@pytest.fixture(autouse=True)
def runtime_policies_kept() -> Iterator[None]:
    """These tests configure their own principal; a local runtime's policies (if one runs) are put back after."""
    saved, enabled = dict(iam._principals), iam._enabled
    yield
    iam._principals.clear()
    iam._principals.update(saved)
    iam._enabled = enabled


def _needs(service: str, operation: str, params: dict[str, object]) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in iam.requirements(service, operation, params)]


def test_operations_map_to_their_iam_actions_and_resources() -> None:
    assert _needs("s3", "HeadObject", {"Bucket": "b", "Key": "k/1"}) == [("s3:GetObject", "arn:aws:s3:::b/k/1")]
    assert _needs("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "x/"}) == [("s3:ListBucket", "arn:aws:s3:::b")]
    assert _needs("s3", "CopyObject", {"Bucket": "t", "Key": "a", "CopySource": {"Bucket": "s", "Key": "b"}}) == [
        ("s3:PutObject", "arn:aws:s3:::t/a"),
        ("s3:GetObject", "arn:aws:s3:::s/b"),
    ]
    assert _needs("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "1"}, {"Key": "2"}]}}) == [
        ("s3:DeleteObject", "arn:aws:s3:::b/1"),
        ("s3:DeleteObject", "arn:aws:s3:::b/2"),
    ]
    assert _needs("sqs", "SendMessageBatch", {"QueueUrl": QUEUE_URL, "Entries": []}) == [
        ("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:rp-local-harvester")
    ]
    assert _needs("dynamodb", "Query", {"TableName": "rp-local-jobs", "IndexName": "status-index"}) == [
        ("dynamodb:Query", f"{TABLE}/index/status-index")
    ]
    transaction = {"TransactItems": [{"Put": {"TableName": "rp-local-jobs"}}, {"Update": {"TableName": "x"}}]}
    assert _needs("dynamodb", "TransactWriteItems", transaction) == [
        ("dynamodb:PutItem", TABLE),
        ("dynamodb:UpdateItem", "arn:aws:dynamodb:us-east-1:123456789012:table/x"),
    ]
    assert _needs("sesv2", "GetAccount", {}) == [("ses:GetAccount", "*")]
    assert _needs("stepfunctions", "StartExecution", {"stateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:m"})[
        0
    ] == ("states:StartExecution", "arn:aws:states:us-east-1:123456789012:stateMachine:m")


def test_an_unknown_operation_fails_loudly() -> None:
    with pytest.raises(iam.TwinSetupError, match="add it to ACTIONS"):
        iam.requirements("s3", "NoSuchOperation", {})


def _principal(*statements: dict[str, object]) -> iam.Principal:
    iam.configure({"fn": list(statements)})
    return iam.principal_named("fn")


def test_wildcards_match_as_iam_does_and_an_explicit_deny_wins() -> None:
    principal = _principal(
        {"Effect": "Allow", "Action": ["dynamodb:Get*", "s3:GetObject*"], "Resource": [TABLE, "arn:aws:s3:::b/*"]},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"},
    )
    assert iam.decide(principal, iam.Requirement("dynamodb:GetItem", TABLE)) == "allow"
    assert iam.decide(principal, iam.Requirement("dynamodb:GetItem", TABLE + "-other")) == "implicit"
    assert iam.decide(principal, iam.Requirement("dynamodb:PutItem", TABLE)) == "implicit"
    assert iam.decide(principal, iam.Requirement("s3:GetObject", "arn:aws:s3:::b/a/b")) == "allow"
    assert iam.decide(principal, iam.Requirement("s3:GetObject", "arn:aws:s3:::b/secret/x")) == "deny"
    assert iam.decide(principal, iam.Requirement("s3:GetObject", "arn:aws:s3:::bb/x")) == "implicit"


def test_a_refused_call_raises_the_error_aws_raises() -> None:
    _principal({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE})
    iam.check(access_key_of("fn"), "dynamodb", "GetItem", {"TableName": "rp-local-jobs"})
    with pytest.raises(ClientError) as refused:
        iam.check(access_key_of("fn"), "dynamodb", "UpdateItem", {"TableName": "rp-local-jobs"})
    error = refused.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert "is not authorized to perform: dynamodb:UpdateItem on resource: " + TABLE in error["Message"]
    with pytest.raises(ClientError) as s3_refused:
        iam.check(access_key_of("fn"), "s3", "GetObject", {"Bucket": "b", "Key": "k"})
    assert s3_refused.value.response["Error"]["Code"] == "AccessDenied"
    iam.check("a-key-of-no-principal", "s3", "GetObject", {"Bucket": "b", "Key": "k"})
    del iam.usage.denied[-2:]
