"""checkov's findings on the synthesized templates that are accepted, each with its reason (one place).

`tests/infra/test_checkov.py` runs checkov over both templates in `make test`: every failed check must be listed here
(for every resource, or for resources whose logical id starts with a given prefix), and every entry must still be
needed. Fixed instead of acknowledged: bucket versioning with noncurrent-version expiry, the state machine's log group
(execution data) encrypted with the data key, an on-failure queue for every asynchronously invoked function."""

from __future__ import annotations

EVERY_RESOURCE: dict[str, str] = {
    "CKV_AWS_116": (
        "A function-level DLQ applies only to asynchronous invocations. API functions are invoked synchronously by API "
        "Gateway, queue consumers by an SQS event source (the queue has its own DLQ), pipeline tasks by Step Functions "
        "(Retry, failure recorded by mark-failed), the Cognito trigger by Cognito; the asynchronously invoked ones "
        "(crons, rules) have an on-failure destination (the async-failures queue, alarmed), which checkov cannot see."
    ),
    "CKV_AWS_117": (
        "Functions call only AWS APIs (IAM-authorised, TLS) and public peers (webhooks, Slack, SFTP); there is no "
        "private resource to reach, and a VPC would add NAT gateways and cold-start cost for no protection."
    ),
    "CKV_AWS_173": (
        "Environment variables hold resource names, ARNs and settings, never secrets (channel secrets are sealed with "
        "the channel-secrets KMS key, SFTP keys and push credentials live in Secrets Manager); Lambda encrypts them at "
        "rest with its service key."
    ),
    "CKV_AWS_115": (
        "No function reserves concurrency: new accounts' concurrency quota (10 or 50) refuses a reservation, so the "
        "functions that must run alone hold a DynamoDB lease (shared/leases.py) and the rest share the account's pool."
    ),
    "CKV_AWS_158": (
        "Function and API access logs hold ids, statuses and timings (no report content, no secrets) and are "
        "encrypted at rest by CloudWatch Logs; the state machine's log group, which holds execution data, uses the "
        "data key."
    ),
}
"""Check id: why it is accepted for every resource it fails on."""

BY_RESOURCE_PREFIX: dict[tuple[str, str], str] = {
    ("CKV_AWS_149", "FunctionsCursorKey"): "Holds only the key that seals paging cursors (no customer data), encrypted "
    "with Secrets Manager's AWS-managed key; the data key lives in the stateful stack, and a secret here encrypted "
    "with it would make each stack depend on the other.",
    ("CKV_AWS_27", "PipelineStatusChangeDlq"): "Encrypted with SQS-managed keys (SSE-SQS), which checkov does not "
    "count: the dead-letter queue of an EventBridge rule target, where a customer key needs a policy for events.",
    ("CKV_AWS_18", "StorageAccessLogs"): "The access-log bucket receives the other buckets' access logs; it cannot "
    "log to itself.",
}
"""(check id, logical id prefix): why it is accepted for those resources only."""


def reason_for(check_id: str, logical_id: str) -> str | None:
    """The acknowledgement's reason, or None when the finding is not acknowledged."""
    if check_id in EVERY_RESOURCE:
        return EVERY_RESOURCE[check_id]
    for (check, prefix), reason in BY_RESOURCE_PREFIX.items():
        if check == check_id and logical_id.startswith(prefix):
            return reason
    return None
