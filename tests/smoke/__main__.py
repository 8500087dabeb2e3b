"""`make smoke` (`python -m tests.smoke`): the smoke suite against a deployed stage, given its outputs, or against the
local twin, started here, when none are given.

    python -m tests.smoke                                   # the local twin (CI)
    python -m tests.smoke --stack rp-dev-stateful --stack rp-dev-stateless --email you@your.domain
    python -m tests.smoke --stack outputs.json --email you@your.domain   # cdk deploy --outputs-file outputs.json
"""

from __future__ import annotations

import argparse
import sys

from tests.smoke.suite import SmokeFailure, SmokeTarget, run_suite

LOCAL_RECIPIENT = "smoke@example.com"


def local_target(api_url: str) -> SmokeTarget:
    """The running twin: users in moto's Cognito; sign-in is what the pre-token trigger would put in the token."""
    from local.auth import mint_token
    from shared.catalog.platform import USERS
    from shared.directory import Directory, DirectoryUser
    from shared.settings import get_settings

    def sign_in(user: DirectoryUser, password: str) -> str:
        return mint_token(user.tenant, user.userId, list(user.roles))

    return SmokeTarget(api_url, Directory(get_settings().name_of(USERS)), sign_in, LOCAL_RECIPIENT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.smoke", description=__doc__)
    parser.add_argument("--stack", action="append", help="a deployed stack's name, or a cdk --outputs-file JSON")
    parser.add_argument("--email", help="where the run's report is mailed (deployed: an address SES lets you reach)")
    args = parser.parse_args(argv)
    if args.stack:
        from local.target import aws_target
        from shared.directory import Directory

        if not args.email:
            parser.error("--email is required against a deployed stage (in the SES sandbox: a verified address)")
        with aws_target(args.stack) as found:
            if not (found.api_url and found.user_pool_id and found.client_id):
                parser.error("the outputs hold no ApiUrl, UserPoolId and UserPoolClientId: give both stacks")
            directory = Directory(found.user_pool_id)
            client_id = found.client_id
            target = SmokeTarget(
                found.api_url,
                directory,
                lambda user, password: directory.sign_in(client_id, user.userId, password),
                args.email,
            )
            return _run(target)
    from local.runtime import LocalRuntime

    runtime = LocalRuntime(port=0).start()
    try:
        return _run(local_target(runtime.url))
    finally:
        runtime.stop()


def _run(target: SmokeTarget) -> int:
    try:
        run = run_suite(target, sys.stdout)
    except SmokeFailure as failure:
        print(f"FAIL {failure}", flush=True)
        return 1
    if run.leftovers:
        print(f"FAIL could not remove: {', '.join(run.leftovers)}", flush=True)
        return 1
    print(f"smoke: {len(run.passed)} steps passed against {target.api_url}, everything removed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
