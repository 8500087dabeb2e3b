"""The synthesized CloudFormation templates as the local twin's source of truth for each principal's environment and
IAM policy statements.

`python app.py` is run once (bundling skipped, path metadata on) and its templates are cached under
`.local/synth/<hash>/`, the hash taken over every file that shapes them (`cdk/`, `shared/catalog/`, the `shared`
modules `cdk/` imports, the ASL file, `app.py`, `cdk.json`). Intrinsic functions are resolved against the local
resources: a catalog table, bucket, queue or key (found by its construct path, `Storage/<Kind>-<id>`) becomes its
local name or ARN, a function its local ARN, the state machine and the Scheduler role theirs; anything else becomes a
placeholder that no local resource has (so a grant on it never matches a local call by accident).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from local.account import ACCOUNT_ID, REGION
from local.paths import REPO_ROOT
from shared import catalog

STACK_FILES = ("ReportPlatformStateful.template.json", "ReportPlatformStateless.template.json")
SOURCES = ("cdk", "shared/catalog", "app.py", "cdk.json")
"""What the templates are made from (with the `shared` modules `cdk/` and `app.py` import, and the ASL file): a change
to any of these files synthesizes again."""
_SHARED_IMPORT = re.compile(r"^from (shared(?:\.\w+)*) import ([\w, ()]+)", re.MULTILINE)
SYNTH_CONTEXT = {"aws:cdk:bundling-stacks": [], "aws:cdk:enable-path-metadata": True, "stage": "local"}
"""Bundling skipped, construct paths kept, and the laptop's stage, so names written into policies are the local ones."""
STATES_PRINCIPAL = "states:report-pipeline"
SCHEDULER_PRINCIPAL = "scheduler:report-subscriptions"
"""The two principals that are not functions: the state machine's role and the EventBridge Scheduler role."""


def _imported_shared_modules() -> list[str]:
    """The `shared` modules and packages that `cdk/` and `app.py` import (one level: they are what shapes a synth)."""
    found: set[str] = {"shared/pipeline/report_pipeline.asl.json"}
    for file in [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "cdk").rglob("*.py"))]:
        for module, names in _SHARED_IMPORT.findall(file.read_text()):
            base = module.replace(".", "/")
            if not (REPO_ROOT / base).is_dir():
                found.add(f"{base}.py")
                continue
            for name in (n.strip() for n in names.strip("()").split(",")):
                submodule = f"{base}/{name}"
                if (REPO_ROOT / submodule).is_dir():
                    found.add(submodule)
                elif (REPO_ROOT / f"{submodule}.py").is_file():
                    found.add(f"{submodule}.py")
                else:
                    found.add(f"{base}/__init__.py")
    return sorted(found)


def source_hash() -> str:
    digest = hashlib.sha256()
    for source in (*SOURCES, *_imported_shared_modules()):
        path = REPO_ROOT / source
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(str(file.relative_to(REPO_ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def synth_dir() -> Path:
    """The cached synth of the current sources; synthesized (about 20 s) when missing. One process at a time."""
    root = REPO_ROOT / ".local" / "synth"
    target = root / source_hash()
    if all((target / name).is_file() for name in STACK_FILES):
        return target
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((target / name).is_file() for name in STACK_FILES):
            _synthesize(target)
            for stale in root.iterdir():
                if stale.is_dir() and stale != target and not stale.name.startswith("synth-"):
                    shutil.rmtree(stale, ignore_errors=True)
    return target


def _synthesize(target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="synth-", dir=target.parent) as outdir:
        env = {
            **os.environ,
            "CDK_OUTDIR": outdir,
            "CDK_CONTEXT_JSON": json.dumps(SYNTH_CONTEXT),
            "SYNTH_ONLY": "1",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }
        for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        result = subprocess.run(  # noqa: S603 - our own app, offline
            [sys.executable, str(REPO_ROOT / "app.py")], cwd=REPO_ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"python app.py failed; the local twin needs its templates:\n{result.stderr[-4000:]}")
        staging = Path(outdir) / "twin"
        staging.mkdir()
        for name in STACK_FILES:
            shutil.copy(Path(outdir) / name, staging / name)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)


@cache
def templates() -> dict[str, dict[str, Any]]:
    """Both stacks' templates, by stack name."""
    directory = synth_dir()
    return {name.split(".", 1)[0]: json.loads((directory / name).read_text()) for name in STACK_FILES}


@dataclass(frozen=True)
class LocalNames:
    """What the local runtime created: catalog env var → local value (table/bucket name, queue URL, key ARN), and
    the ARNs of the state machine and the Scheduler role."""

    environment: dict[str, str]
    api_base_url: str = ""


@dataclass
class PrincipalTemplate:
    """One role of the template: its policy statements (resolved) and, for a function, its environment."""

    name: str
    role_logical_id: str
    statements: list[dict[str, Any]] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)


def _path(resource: dict[str, Any]) -> str:
    return str(resource.get("Metadata", {}).get("aws:cdk:path", ""))


def _construct_id(resource: dict[str, Any]) -> str:
    """The construct id that holds the CloudFormation resource (`.../Table-jobs/Resource` → `Table-jobs`)."""
    parts = _path(resource).split("/")
    return parts[-2] if len(parts) >= 2 and parts[-1] == "Resource" else parts[-1]


class Resolver:
    """Resolves the intrinsic functions of both templates to local values."""

    def __init__(self, names: LocalNames) -> None:
        self.names = names
        self.stacks = templates()
        self.exports: dict[str, tuple[str, Any]] = {}
        for stack, template in self.stacks.items():
            for output in template.get("Outputs", {}).values():
                if "Export" in output:
                    self.exports[output["Export"]["Name"]] = (stack, output["Value"])
        resources: tuple[catalog.Resource, ...] = (*catalog.TABLES, *catalog.BUCKETS, *catalog.QUEUES, *catalog.KEYS)
        self._catalog_ids: dict[str, catalog.Resource] = {r.id: r for r in resources}
        self.function_names = {f.name for f in catalog.FUNCTIONS}

    def resolve(self, value: Any, stack: str) -> Any:
        if isinstance(value, list):
            return [self.resolve(v, stack) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(argument, stack)
            if key == "Fn::GetAtt":
                return self._attribute(argument[0], argument[1], stack)
            if key == "Fn::ImportValue":
                exporting_stack, exported = self.exports[self.resolve(argument, stack)]
                return self.resolve(exported, exporting_stack)
            if key == "Fn::Join":
                separator, parts = argument
                return separator.join(str(self.resolve(p, stack)) for p in parts)
            if key == "Fn::Select":
                index, items = argument
                return self.resolve(items, stack)[int(index)]
            if key == "Fn::Split":
                separator, text = argument
                return str(self.resolve(text, stack)).split(separator)
        return {k: self.resolve(v, stack) for k, v in value.items()}

    def _ref(self, logical_id: str, stack: str) -> str:
        pseudo = {
            "AWS::Partition": "aws",
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack,
        }
        if logical_id in pseudo:
            return pseudo[logical_id]
        return self._attribute(logical_id, "Ref", stack)

    def _attribute(self, logical_id: str, attribute: str, stack: str) -> str:
        resource = self.stacks[stack]["Resources"][logical_id]
        kind, construct = resource["Type"], _construct_id(resource)
        local = self._catalog_value(kind, construct, attribute)
        if local is not None:
            return local
        if kind == "AWS::Lambda::Function" and construct.startswith("Fn-") and construct[3:] in self.function_names:
            arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{construct[3:]}"
            return construct[3:] if attribute == "Ref" else arn
        if kind == "AWS::StepFunctions::StateMachine":
            arn = self.names.environment.get("STATE_MACHINE_ARN", "")
            return arn.rsplit(":", 1)[-1] if attribute == "Name" else arn
        if kind == "AWS::IAM::Role" and _role_service(resource) == "scheduler.amazonaws.com":
            arn = self.names.environment.get("SCHEDULER_ROLE_ARN", "")
            return arn.rsplit("/", 1)[-1] if attribute == "Ref" else arn
        if kind == "AWS::Scheduler::ScheduleGroup":
            group = resource["Properties"]["Name"]
            return group if attribute == "Ref" else f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule-group/{group}"
        if kind == "AWS::Cognito::UserPool" and len(catalog.DIRECTORIES) == 1:
            pool = self.names.environment.get(catalog.DIRECTORIES[0].env_var, "")
            return pool if attribute == "Ref" else f"arn:aws:cognito-idp:{REGION}:{ACCOUNT_ID}:userpool/{pool}"
        if kind == "AWS::ApiGatewayV2::Api":
            return "local-api"
        return f"not-local:{stack}:{logical_id}:{attribute}"

    def _catalog_value(self, kind: str, construct: str, attribute: str) -> str | None:
        """The local name or ARN of a catalogued table, bucket, queue (or DLQ) or key."""
        prefix, _, resource_id = construct.partition("-")
        spec = self._catalog_ids.get(resource_id)
        dlq_of = None
        if spec is None and resource_id.endswith("-dlq"):
            dlq_of = self._catalog_ids.get(resource_id[: -len("-dlq")])
        if spec is None and dlq_of is None:
            return None
        from local.resources import physical_name

        name = physical_name(resource_id)
        if kind == "AWS::DynamoDB::Table" and prefix == "Table":
            return name if attribute == "Ref" else f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
        if kind == "AWS::S3::Bucket" and prefix == "Bucket":
            return name if attribute in ("Ref", "BucketName") else f"arn:aws:s3:::{name}"
        if kind == "AWS::SQS::Queue" and prefix == "Queue":
            env_var = dlq_of.dlq_env_var if isinstance(dlq_of, catalog.Queue) else spec.env_var if spec else None
            url = self.names.environment.get(env_var or "", f"local-queue-url:{name}")
            by_attribute = {"Ref": url, "QueueUrl": url, "QueueName": name}
            return by_attribute.get(attribute, f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}")
        if kind == "AWS::KMS::Key" and prefix == "Key" and spec is not None:
            arn = self.names.environment.get(spec.env_var, f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{name}")
            return arn.rsplit("/", 1)[-1] if attribute in ("Ref", "KeyId") else arn
        return None


def _role_service(role: dict[str, Any]) -> str:
    statements = role.get("Properties", {}).get("AssumeRolePolicyDocument", {}).get("Statement", [])
    for statement in statements:
        service = statement.get("Principal", {}).get("Service")
        if service:
            return str(service)
    return ""


def principals(names: LocalNames) -> dict[str, PrincipalTemplate]:
    """Every principal of both stacks with its resolved statements: each catalogued function (by name; the user
    pool's trigger lives in the stateful stack), the state machine's role and the Scheduler role."""
    resolver = Resolver(names)
    found: dict[str, PrincipalTemplate] = {}
    for stack in (name.split(".", 1)[0] for name in STACK_FILES):
        found.update(_principals_of(resolver, stack))
    return found


def _principals_of(resolver: Resolver, stack: str) -> dict[str, PrincipalTemplate]:
    resources: dict[str, Any] = resolver.stacks[stack]["Resources"]
    found: dict[str, PrincipalTemplate] = {}
    by_role: dict[str, PrincipalTemplate] = {}
    for logical_id, resource in resources.items():
        kind, props = resource["Type"], resource.get("Properties", {})
        construct = _construct_id(resource)
        if kind == "AWS::Lambda::Function" and construct.startswith("Fn-") and construct[3:] in resolver.function_names:
            role = props["Role"]["Fn::GetAtt"][0]
            variables = props.get("Environment", {}).get("Variables", {})
            environment = {k: str(resolver.resolve(v, stack)) for k, v in variables.items()}
            principal = PrincipalTemplate(construct[3:], role, environment=environment)
        elif kind == "AWS::StepFunctions::StateMachine":
            principal = PrincipalTemplate(STATES_PRINCIPAL, props["RoleArn"]["Fn::GetAtt"][0])
        elif kind == "AWS::IAM::Role" and _role_service(resource) == "scheduler.amazonaws.com":
            principal = PrincipalTemplate(SCHEDULER_PRINCIPAL, logical_id)
        else:
            continue
        found[principal.name] = principal
        by_role[principal.role_logical_id] = principal
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        documents: list[tuple[list[Any], Any]] = []
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):  # CDK spills a big policy over
            documents.append(([r["Ref"] for r in props.get("Roles", []) if "Ref" in r], props["PolicyDocument"]))
        elif resource["Type"] == "AWS::IAM::Role":
            documents += [([logical_id], p["PolicyDocument"]) for p in props.get("Policies", [])]
        for roles, document in documents:
            for role in roles:
                if role in by_role:
                    statements = resolver.resolve(document.get("Statement", []), stack)
                    by_role[role].statements += statements if isinstance(statements, list) else [statements]
    return found


def kms_encrypted_buckets() -> set[str]:
    """Local names of the catalogued buckets the stateful template encrypts with SSE-KMS."""
    from local.resources import physical_name

    found = set()
    bucket_ids = {b.id for b in catalog.BUCKETS}
    for resource in templates()["ReportPlatformStateful"]["Resources"].values():
        if resource["Type"] != "AWS::S3::Bucket":
            continue
        prefix, _, bucket_id = _construct_id(resource).partition("-")
        rules = resource["Properties"].get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
        algorithms = {r.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules}
        if prefix == "Bucket" and bucket_id in bucket_ids and algorithms & {"aws:kms", "aws:kms:dsse"}:
            found.add(physical_name(bucket_id))
    return found
