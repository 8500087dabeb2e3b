"""`python -m local run | token | redrive-dlq`: the local runtime's command line."""

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
    token = mint_token(args.tenant, "demo-admin", ["admin"], scopes=["notifications:send"], email="admin@example.com")
    print(f"local AWS at {runtime.aws.endpoint}", flush=True)
    print(f"admin token for tenant {args.tenant}: {token}", flush=True)
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
    from local.redrive import redrive_catalogued_queue

    result = redrive_catalogued_queue(args.queue, max_per_second=args.max_per_second, wait=args.wait)
    moved = "unknown yet" if result.moved is None else str(result.moved)
    handle = f", task {result.task_handle}" if result.task_handle else ""
    print(f"{args.queue}: {result.status} by {result.method}; moved {moved}, failed {result.failed}{handle}")
    return 0 if result.status in ("RUNNING", "COMPLETED") else 1


def _init_defaults(args: argparse.Namespace) -> int:
    """Invoke the `init-defaults` Lambda: the local one (`AWS_ENDPOINT_URL` = the address `make run` prints) or a
    deployed one (AWS credentials, `--function-name` = its physical name)."""
    import json

    from local.account import REGION
    from shared.aws import client

    if os.environ.get("AWS_ENDPOINT_URL"):
        for name, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():
            os.environ.setdefault(name, value)
        os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    recipients = [r.strip() for r in args.recipients.split(",") if r.strip()]
    payload = {"tenant": args.tenant, "recipients": recipients, "created_by": args.created_by}
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

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
