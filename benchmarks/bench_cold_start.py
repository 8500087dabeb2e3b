"""Cold import of every Lambda entry point against `import boto3`: each module imported in a fresh interpreter, with
the environment a deployed function gets (the common CDK variables, its catalog `environment`, one value per granted
resource, AWS_REGION), several runs, medians. Run: `.venv/bin/python benchmarks/bench_cold_start.py [--runs N]`.

The interpreter's own start-up is not counted: the child times only the `import` statement. A first, discarded round
writes the bytecode caches, so every measured import reads `.pyc` files, boto3's as the functions'. The rounds are
interleaved (boto3, then every function, per round) so that the load of a shared machine falls on all alike."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from shared import catalog  # noqa: E402

LIMIT = 1.5
"""The goal of issue 16: every function's cold import at most this many times `import boto3`."""
CDK_ENVIRONMENT = {
    "STAGE": "bench",
    "POWERTOOLS_SERVICE_NAME": "report-platform",
    "POWERTOOLS_METRICS_NAMESPACE": "ReportPlatform",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "SENDER_EMAIL": "reports@example.com",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
}
"""What `cdk/functions.py` sets on every function, plus what the Lambda runtime sets itself."""
TIMER = "import time; t = time.process_time(); import {module}; print(time.process_time() - t)"


def function_environment(function: catalog.Function) -> dict[str, str]:
    """The environment of one deployed function: common variables, its own, and a name for each granted resource."""
    names = {resource: env_var for env_var, resource in catalog.resource_env_vars().items()}
    granted = {names[g.resource]: f"bench-{g.resource}" for g in function.grants if g.resource in names}
    passthrough = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**passthrough, **CDK_ENVIRONMENT, **granted, **function.environment}


def import_seconds(module: str, environment: dict[str, str]) -> float:
    """The time one fresh interpreter takes to `import module`."""
    result = subprocess.run(
        [sys.executable, "-c", TIMER.format(module=module)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"import {module} failed:\n{result.stderr[-2000:]}")
    return float(result.stdout.strip().splitlines()[-1])


def measure(runs: int, only: list[str] | None = None) -> tuple[float, dict[str, float]]:
    """Median seconds of `import boto3` and of each function module, runs interleaved so load hits all alike."""
    functions = [f for f in catalog.FUNCTIONS if not only or f.name in only]
    modules = {f.name: (f.handler.rsplit(".", 1)[0], function_environment(f)) for f in functions}
    baseline_env = {**function_environment(functions[0]), **CDK_ENVIRONMENT}
    for module, environment in modules.values():  # compile bytecode once; not measured
        import_seconds(module, environment)
    boto3: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in modules}
    for _ in range(runs):
        boto3.append(import_seconds("boto3", baseline_env))
        for name, (module, environment) in modules.items():
            times[name].append(import_seconds(module, environment))
    return statistics.median(boto3), {name: statistics.median(samples) for name, samples in times.items()}


def table(boto3: float, medians: dict[str, float]) -> str:
    """A Markdown table: each function's median import, its ratio to boto3, and whether it is within the limit."""
    lines = [
        f"| function | median import (ms) | x `import boto3` ({boto3 * 1000:.0f} ms) | ≤ {LIMIT}x |",
        "|---|---:|---:|:-:|",
    ]
    for name, seconds in sorted(medians.items(), key=lambda item: -item[1]):
        ratio = seconds / boto3
        lines.append(f"| {name} | {seconds * 1000:.0f} | {ratio:.2f} | {'yes' if ratio <= LIMIT else 'NO'} |")
    worst = max(medians.values()) / boto3
    lines.append(f"\nworst ratio {worst:.2f}x over {len(medians)} functions (limit {LIMIT}x)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per module (the median is shown)")
    parser.add_argument("--only", nargs="*", help="function names (default: every catalogued function)")
    args = parser.parse_args()
    boto3, medians = measure(max(1, args.runs), args.only)
    print(table(boto3, medians))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
