"""`python -m local run` and `python -m local token`, as a user runs them."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from local.auth import verify_token

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_token_command_prints_a_token_the_api_accepts() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "local", "token", "--tenant", "t1", "--sub", "bob", "--role", "admin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    ).stdout.strip()
    claims = verify_token(f"Bearer {out}")
    assert (claims["tenant"], claims["sub"], claims["roles"]) == ("t1", "bob", ["admin"])


def test_run_prints_ready_serves_and_stops_on_sigterm() -> None:
    port = _free_port()
    env = {**os.environ, "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "run", "--no-demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "ready" in line:
                break
        ready = [line for line in lines if "ready" in line]
        assert ready, "".join(lines)
        assert f"http://127.0.0.1:{port}" in ready[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        rest = process.communicate(timeout=30)[0]
        assert process.returncode == 0
        assert "stopped" in rest
    finally:
        if process.poll() is None:
            process.kill()
