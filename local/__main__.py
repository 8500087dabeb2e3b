"""`python -m local run | token | user | init-defaults | redrive-dlq | verify-email | redrive | capacity | api-key |
migrate-n10n`: the local runtime's command line.

Commands that act on AWS work on the running twin (`AWS_ENDPOINT_URL`, as `make run` prints it), on a deployed stage
(`--stack`), or, with neither, on a fresh local AWS started for the command alone (see `local.target`)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


def _run(args: argparse.Namespace) -> int:
    from local.auth import mint_token
    from local.demo import load_all
    from local.runtime import LocalRuntime

    runtime = LocalRuntime(port=args.port, clockwork=True)
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print("starting the local AWS and creating every resource ...", flush=True)
    runtime.start()
    if not args.no_demo:
        for summary in load_all(sys.stdout):
            print(f"    {summary}", flush=True)
    token = mint_token(args.tenant, "demo-admin", ["admin"], scopes=["notifications:send"], email="admin@example.com")
    print(f"local AWS at {runtime.aws.endpoint}", flush=True)
    print(f"admin token for tenant {args.tenant}: {token}", flush=True)
    if not args.no_demo and args.tenant == "acme":
        seed_user = mint_token("acme", "123456", ["user"])
        print(f"seed 001's user 123456 (no email in the token; the directory has it): {seed_user}", flush=True)
    print(f"dashboard: {runtime.url}/?token={token}", flush=True)
    print(f"ready: {runtime.url}", flush=True)
    stopping.wait()
    print("stopping ...", flush=True)
    runtime.stop()
    print("stopped", flush=True)
    return 0


def _token(args: argparse.Namespace) -> int:
    from local.auth import mint_token

    print(mint_token(args.tenant, args.sub, [args.role], scopes=args.scope or None, email=args.email))
    return 0


def _redrive_dlq(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from local.redrive import catalogued_queue, redrive_catalogued_queue
    from local.target import aws_target

    queue = catalogued_queue(args.queue)
    named = bool(os.environ.get(queue.env_var) and queue.dlq_env_var and os.environ.get(queue.dlq_env_var))
    with nullcontext() if named else aws_target():
        result = redrive_catalogued_queue(args.queue, max_per_second=args.max_per_second, wait=args.wait)
    moved = "unknown yet" if result.moved is None else str(result.moved)
    handle = f", task {result.task_handle}" if result.task_handle else ""
    print(f"{args.queue}: {result.status} by {result.method}; moved {moved}, failed {result.failed}{handle}")
    return 0 if result.status in ("RUNNING", "COMPLETED") else 1


def _redrive(args: argparse.Namespace) -> int:
    """Resume a failed job's execution at its failed step (against the local AWS that `make run` prints)."""
    from local.account import REGION
    from local.execution_redrive import redrive
    from local.resources import physical_name
    from shared.aws import client

    if not os.environ.get("AWS_ENDPOINT_URL"):
        print("set AWS_ENDPOINT_URL to the local AWS that `make run` prints", file=sys.stderr)
        return 1
    for name, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    os.environ.setdefault("JOBS_TABLE", physical_name("jobs"))
    if not os.environ.get("STATE_MACHINE_ARN"):
        machines = client("stepfunctions").list_state_machines()["stateMachines"]
        os.environ["STATE_MACHINE_ARN"] = next(m["stateMachineArn"] for m in machines if m["name"] == "report-pipeline")
    print(f"redriven: {redrive(args.tenant, args.job_id)}", flush=True)
    return 0


def _init_defaults(args: argparse.Namespace) -> int:
    """Invoke the `init-defaults` Lambda: the local one (`AWS_ENDPOINT_URL` = the address `make run` prints) or a
    deployed one (AWS credentials, `--function-name` = its physical name)."""
    import json
    from contextlib import AbstractContextManager, nullcontext

    from local.target import aws_target, require_region
    from shared.aws import client

    deployed = args.function_name != "init-defaults"
    if deployed:
        require_region()
    target: AbstractContextManager[object] = nullcontext() if deployed else aws_target()
    recipients = [r.strip() for r in args.recipients.split(",") if r.strip()]
    payload = {"tenant": args.tenant, "recipients": recipients, "created_by": args.created_by}
    with target:
        print(f"invoking {args.function_name} for tenant {args.tenant} ...", flush=True)
        reply = client("lambda").invoke(FunctionName=args.function_name, Payload=json.dumps(payload).encode())
        result = json.loads(reply["Payload"].read() or b"null")
    if reply.get("FunctionError") or not isinstance(result, dict):
        print(f"failed: {result}", file=sys.stderr, flush=True)
        return 1
    for line in result["log"]:
        print(line, flush=True)
    made = [name for name in ("report", "schedule") if result[f"{name}_created"]]
    print(f"done: {'created ' + ' and '.join(made) if made else 'nothing new (both were already there)'}", flush=True)
    return 0


def _capacity(args: argparse.Namespace) -> int:
    """Plan for the subscriptions of a table (the local twin's demo data by default), or for a synthetic spike."""
    from local.capacity import run_capacity

    for line in run_capacity(args):
        print(line, flush=True)
    return 0


def _api_key(args: argparse.Namespace) -> int:
    """Create, list or revoke API keys of the mobile-n10n routes, in the table of the local runtime
    (`AWS_ENDPOINT_URL` = the address `make run` prints; set by the runtime itself in-process) or, with AWS
    credentials and `--table`, of a deployed stage. `create` prints the key alone on stdout."""
    from local.resources import physical_name
    from shared.catalog.notifications import API_KEYS
    from shared.settings import reset_settings

    with _table_target(args.table) as kind:
        table = args.table or os.environ.get(API_KEYS.env_var) or physical_name(API_KEYS.id)
        if os.environ.get(API_KEYS.env_var) != table:
            os.environ[API_KEYS.env_var] = table
            reset_settings()
        return _api_key_action(args, kind)


def _api_key_action(args: argparse.Namespace, kind: str) -> int:
    from shared import clock
    from shared.api_keys import logic, store
    from shared.api_keys.models import ApiKey, ApiKeyRequest

    if kind == "fresh":
        print("(a fresh local AWS, gone when this command ends: start `make run` to keep keys)", file=sys.stderr)
    if args.action == "create":
        request = ApiKeyRequest(name=args.name, scope=args.scope, key=args.key)
        created = logic.created(request, args.created_by, clock.now())
        store.put_new(ApiKey.model_validate(created.model_dump(exclude={"key"})))
        print(f"created {created.scope} key {created.name!r}, id {created.id}", file=sys.stderr, flush=True)
        print(created.key, flush=True)
    elif args.action == "list":
        for key in store.list_all():
            state = f"revoked {key.revokedAt}" if key.revokedAt else "active"
            print(f"{key.id}  {key.scope:6}  {state:32}  {key.name}", flush=True)
    elif store.revoke(args.id, clock.iso(clock.now()), args.created_by) is None:
        print(f"no API key with id {args.id}", file=sys.stderr, flush=True)
        return 1
    return 0


def _migrate_n10n(args: argparse.Namespace) -> int:
    """Bring records written by mobile-n10n into this platform's shape, in the notifications table of the local
    runtime (`AWS_ENDPOINT_URL`) or, with AWS credentials and `--table`, of a deployed stage. Counts first (writes
    nothing) unless `--apply`; prints a resume token when stopped after `--pages`."""
    from local.resources import physical_name
    from shared.catalog.notifications import NOTIFICATIONS
    from shared.notifications.migration import migrate
    from shared.settings import reset_settings

    with _table_target(args.table):
        table = args.table or os.environ.get(NOTIFICATIONS.env_var) or physical_name(NOTIFICATIONS.id)
        if os.environ.get(NOTIFICATIONS.env_var) != table:
            os.environ[NOTIFICATIONS.env_var] = table
            reset_settings()
        result = migrate(args.apply, args.resume, args.page_size, args.pages)
    verb = "migrated" if args.apply else "would migrate (dry run: nothing written)"
    print(f"{table}: scanned {result.scanned}, {verb} {result.migrated if args.apply else result.needing}", flush=True)
    if result.changedMeanwhile:
        print(f"changed while migrating (run again): {result.changedMeanwhile}", flush=True)
    for notification_id in result.unreadable:
        print(f"unreadable, left alone: {notification_id}", flush=True)
    if result.resume:
        print(f"stopped early; continue with --resume {result.resume}", flush=True)
    return 0


@contextmanager
def _table_target(table: str | None) -> Iterator[str]:
    """A deployed table named by `--table` (needs a region), else the running twin or a fresh local AWS (`kind`)."""
    from local.target import aws_target, require_region

    if table:
        require_region()
        yield "deployed"
        return
    with aws_target(None) as target:
        yield target.kind


def _user_add(args: argparse.Namespace) -> int:
    from local.target import aws_target
    from shared.directory import Directory
    from shared.errors import DomainError

    with aws_target(args.stack) as target:
        if not target.user_pool_id:
            print("this deployment has no user pool (it trusts an outside issuer): add users there", file=sys.stderr)
            return 1
        try:
            user = Directory(target.user_pool_id).add(
                args.tenant, args.email, args.role, name=args.name, user_id=args.user_id, password=args.password
            )
        except DomainError as error:
            print(f"refused: {error.message}", file=sys.stderr)
            return 1
    how = "password set" if args.password else "Cognito emails a temporary password"
    print(f"added {user.userId} <{user.email}> to tenant {user.tenant} as {','.join(user.roles)} ({how})")
    if target.kind == "fresh":
        print("(a fresh local AWS, gone now: start `make run` and export AWS_ENDPOINT_URL to keep users)")
    return 0


def _user_remove(args: argparse.Namespace) -> int:
    from local.target import aws_target
    from shared.directory import Directory

    with aws_target(args.stack) as target:
        if not target.user_pool_id:
            print("this deployment has no user pool", file=sys.stderr)
            return 1
        Directory(target.user_pool_id).remove(args.user_id)
    print(f"removed {args.user_id}")
    return 0


def _user_token(args: argparse.Namespace) -> int:
    """An ID token of a deployed user pool's user, to paste into the dashboard (`/?token=...`) or a curl."""
    from local.target import aws_target
    from shared.directory import Directory

    with aws_target(args.stack) as target:
        if not target.user_pool_id or not target.client_id:
            print("no user pool or app client in these outputs", file=sys.stderr)
            return 1
        print(Directory(target.user_pool_id).sign_in(target.client_id, args.user_id, args.password))
    return 0


def _verify_email(args: argparse.Namespace) -> int:
    from local.target import aws_target
    from shared.delivery.identities import verify_identities

    with aws_target(args.stack):
        for line in verify_identities(args.address):
            print(line, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description="The report platform on this machine.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="start the whole system locally, seeded with demo data")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument("--tenant", default="acme", help="the tenant of the printed admin token")
    run.add_argument("--no-demo", action="store_true", help="start empty")
    run.set_defaults(func=_run)

    token = commands.add_parser("token", help="print a token the local API accepts")
    token.add_argument("--tenant", required=True)
    token.add_argument("--sub", required=True)
    token.add_argument("--role", choices=["admin", "user", "platform-admin"], default="user")
    token.add_argument("--scope", action="append", help="an OAuth scope to carry (repeatable)")
    token.add_argument("--email")
    token.set_defaults(func=_token)

    defaults = commands.add_parser(
        "init-defaults", help="create a tenant's Usage Summary report and its weekly email schedule (idempotent)"
    )
    defaults.add_argument("--tenant", required=True)
    defaults.add_argument("--recipients", required=True, help="comma-separated email addresses")
    defaults.add_argument("--created-by", default="system", help="the owner recorded on the report and schedule")
    defaults.add_argument(
        "--function-name", default="init-defaults", help="the Lambda to invoke (deployed: its physical name)"
    )
    defaults.set_defaults(func=_init_defaults)

    redrive = commands.add_parser(
        "redrive-dlq", help="move a queue's dead-letter messages back to it (SQS StartMessageMoveTask)"
    )
    redrive.add_argument("--queue", required=True, help="the catalog id of the queue (not of its DLQ)")
    redrive.add_argument("--max-per-second", type=int, help="throttle the move (SQS: 1 to 500)")
    redrive.add_argument("--wait", action="store_true", help="wait until the move task has finished")
    redrive.set_defaults(func=_redrive_dlq)

    capacity = commands.add_parser(
        "capacity", help="reports due per minute, drain time of each peak under the AWS quotas, and cost per report"
    )
    capacity.add_argument("--days", type=int, default=14, help="how far ahead to look (default 14)")
    capacity.add_argument("--start", help="ISO-8601 instant to start from (default: now)")
    capacity.add_argument("--target-minutes", type=float, default=15.0, help="how fast a peak must drain")
    capacity.add_argument("--peaks", type=int, default=3, help="how many of the busiest minutes to simulate")
    capacity.add_argument(
        "--quota",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an account quota (repeatable), e.g. ses_per_s=50",
    )
    capacity.add_argument("--share-queries", action="store_true", help="reports running one Athena query share it")
    capacity.add_argument("--spike", type=int, help="plan for N weekly PDF emails due at one minute instead")
    capacity.add_argument("--table", help="a deployed subscriptions table (AWS credentials and region from the CLI)")
    capacity.add_argument("--endpoint", help="the local AWS that `make run` prints (reads its subscriptions)")
    capacity.add_argument("--per-minute", help="also write every due minute as CSV to this file")
    capacity.set_defaults(func=_capacity)
    api_key = commands.add_parser("api-key", help="API keys of the mobile-n10n compatible routes")
    key_actions = api_key.add_subparsers(dest="action", required=True)
    create = key_actions.add_parser("create", help="make a key and print it (shown only this once)")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", choices=["report", "full"], required=True)
    create.add_argument("--key", help="import an existing mobile-n10n key instead of making one")
    listing = key_actions.add_parser("list", help="every key: id (SHA-256 of the key), scope, state, name")
    revoke = key_actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("--id", required=True)
    for action in (create, listing, revoke):
        action.add_argument("--table", help="the API-keys table (deployed: its physical name)")
        action.add_argument("--created-by", default="cli", help="who is recorded as creating or revoking")
    api_key.set_defaults(func=_api_key)

    migration = commands.add_parser(
        "migrate-n10n", help="bring records written by mobile-n10n into this platform's shape (dry run unless --apply)"
    )
    migration.add_argument("--apply", action="store_true", help="write; without it, only count")
    migration.add_argument("--resume", help="the token a stopped run printed")
    migration.add_argument("--pages", type=int, help="stop after this many pages (prints a resume token)")
    migration.add_argument("--page-size", type=int, default=200)
    migration.add_argument("--table", help="the notifications table (deployed: its physical name)")
    migration.set_defaults(func=_migrate_n10n)
    stack_help = "a deployed stage: its stack name(s) (rp-<stage>-stateful) or a `cdk deploy --outputs-file` JSON"
    user = commands.add_parser("user", help="the user directory: add or remove a tenant's users, sign one in")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user to a tenant (the tenant exists once it has a user)")
    add.add_argument("--tenant", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", choices=["admin", "user", "platform-admin"], default="user")
    add.add_argument("--name")
    add.add_argument("--user-id", help="the directory username (default: generated); not an email address")
    add.add_argument("--password", help="set a permanent password (else Cognito emails a temporary one)")
    add.add_argument("--stack", action="append", help=stack_help)
    add.set_defaults(func=_user_add)
    remove = user_commands.add_parser("remove", help="remove a user")
    remove.add_argument("--user-id", required=True)
    remove.add_argument("--stack", action="append", help=stack_help)
    remove.set_defaults(func=_user_remove)
    sign_in = user_commands.add_parser("token", help="sign a user in and print the ID token the API expects")
    sign_in.add_argument("--user-id", required=True, help="the username or email address")
    sign_in.add_argument("--password", required=True)
    sign_in.add_argument("--stack", action="append", required=True, help=stack_help)
    sign_in.set_defaults(func=_user_token)

    verify = commands.add_parser(
        "verify-email", help="ask SES to verify addresses (the sender; in the SES sandbox also every recipient)"
    )
    verify.add_argument("address", nargs="+")
    verify.add_argument("--stack", action="append", help="verify in the deployed stage's account and region")
    verify.set_defaults(func=_verify_email)

    resume = commands.add_parser("redrive", help="resume a failed job's execution at its failed step (as a redrive)")
    resume.add_argument("job_id")
    resume.add_argument("--tenant", default="acme")
    resume.set_defaults(func=_redrive)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
