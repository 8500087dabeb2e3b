"""`python -m local run | token | user | init-defaults | redrive-dlq | verify-email`: the local runtime's command line.

Commands that act on AWS work on the running twin (`AWS_ENDPOINT_URL`, as `make run` prints it), on a deployed stage
(`--stack`), or, with neither, on a fresh local AWS started for the command alone (see `local.target`)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
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
    token = mint_token(args.tenant, "demo-admin", ["admin"], email="admin@example.com")
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
    token.add_argument("--role", choices=["admin", "user"], default="user")
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

    stack_help = "a deployed stage: its stack name(s) (rp-<stage>-stateful) or a `cdk deploy --outputs-file` JSON"
    user = commands.add_parser("user", help="the user directory: add or remove a tenant's users, sign one in")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user to a tenant (the tenant exists once it has a user)")
    add.add_argument("--tenant", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", choices=["admin", "user"], default="user")
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

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
