"""`make dev` end to end: the runner starts everything, the API serves a real request
through PostgreSQL, Redis and the emulator, and an interrupt leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import psutil


def _start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "taskapp_ops.dev", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, like a terminal job
    )


def _wait_for_banner(process: subprocess.Popen[str], timeout: float = 90) -> str:
    assert process.stdout is not None
    output = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output += line
        if "Press Ctrl-C to stop." in line:
            return output
    process.kill()
    raise AssertionError(f"no banner:\n{output}")


def test_dev_serves_the_app_and_stops_cleanly_on_interrupt() -> None:
    process = _start(["--port", "0"])
    banner = _wait_for_banner(process)
    docs_url = next(line.split()[-1] for line in banner.splitlines() if "API docs" in line)
    base = docs_url.removesuffix("/api/docs")
    children = psutil.Process(process.pid).children(recursive=True)
    names = " ".join(" ".join(c.cmdline()) for c in children)
    assert "postgres" in names and "valkey-server" in names and "moto.server" in names
    assert "taskapp api" in names and "taskapp worker" in names

    assert httpx.get(docs_url, timeout=5).status_code == 200
    signup = httpx.post(
        f"{base}/api/auth/signup",
        json={"email": "dev@example.com", "password": "a long dev password", "display_name": "Dev"},
        timeout=10,
    )
    assert signup.status_code == 201, signup.text

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole group gets it
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Stopping" in output and "exited" not in output
    time.sleep(0.5)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [c.cmdline() for c in alive]


def test_a_crashed_service_stops_the_rest_with_an_error() -> None:
    process = _start(["--port", "0", "--edge-port", "0"])
    _wait_for_banner(process)
    children = psutil.Process(process.pid).children(recursive=True)
    api = next(c for c in children if "taskapp api" in " ".join(c.cmdline()))
    api.kill()
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "api exited" in output
    time.sleep(0.5)
    assert not any(_alive(c.pid) for c in children)


def test_servers_die_with_a_killed_parent(tmp_path: object) -> None:
    """Even a SIGKILLed runner (no clean-up code runs) leaves no orphan servers."""
    script = textwrap.dedent(
        """
        import sys, time
        from taskapp_ops.services import local_stack
        with local_stack(environ={}) as (stack, endpoints):
            print(stack.postgres.process.pid, stack.redis.process.pid, stack.aws.process.pid, flush=True)
            time.sleep(60)
        """
    )
    runner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert runner.stdout is not None
    pids = [int(p) for p in runner.stdout.readline().split()]
    assert len(pids) == 3 and all(psutil.pid_exists(p) for p in pids)
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_configured_services_are_not_started() -> None:
    from taskapp_ops.services import LocalStack

    stack = LocalStack(
        data_root=__import__("pathlib").Path("/nonexistent"),
        environ={
            "DATABASE_URL": "postgresql://u:p@db.internal/app",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "AWS_ENDPOINT_URL": "http://aws.internal:4566",
        },
    )
    endpoints = stack.start()
    assert (stack.postgres, stack.redis, stack.aws) == (None, None, None)
    assert endpoints.database_url == "postgresql://u:p@db.internal/app"
    assert endpoints.redis_url == "redis://cache.internal:6379/0"


def test_edge_tls_serves_the_app_over_http2_at_an_https_address() -> None:
    process = _start(["--port", "0", "--edge-port", "0", "--edge-tls"])
    try:
        banner = _wait_for_banner(process)
        app_url = next(line.split()[-1] for line in banner.splitlines() if "App (open" in line)
        assert app_url.startswith("https://127.0.0.1:")
        # The run's own certificate authority is not at hand here; the edge's test checks the
        # chain (test_edge.py). This checks the stack behind it: a sign-up through the edge.
        with httpx.Client(base_url=app_url, http2=True, verify=False, timeout=10) as http2:  # noqa: S501
            signup = http2.post(
                "/api/auth/signup",
                json={
                    "email": "tls@example.com",
                    "password": "a long tls password",
                    "display_name": "T",
                },
            )
        assert signup.http_version == "HTTP/2"
        assert signup.status_code == 201, signup.text
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
