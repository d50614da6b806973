"""Throughput and latency of the API against a bare Starlette endpoint, same machine, same
uvicorn settings (uvloop, httptools, one worker), same run. Prints figures and ratios; asserts
nothing (targets: DESIGN.md section 9).

    make bench            # needs `wrk` (Debian: apt-get install wrk)

Scenarios: the baseline; /healthz; an authenticated cached task page (20 tasks, Redis warm);
an uncached list of 100 tasks straight from PostgreSQL (a second API process whose Redis is
unreachable, so every read goes to the database).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from taskapp.core.settings import Settings
from taskapp_ops.dev import FAKE_AWS_CREDENTIALS
from taskapp_ops.provision import migrate, provision_aws
from taskapp_ops.services import ManagedProcess, free_port, local_stack

HERE = Path(__file__).resolve().parent
UVICORN_FLAGS = [
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
]


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_http(url: str, process: ManagedProcess, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running:
            raise SystemExit(f"{process.name} exited; see {process.log_path}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{process.name} did not start")


def wrk(url: str, seconds: int, connections: int, token: str | None = None) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    for label in ("50", "99"):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", output, re.MULTILINE)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{label}_ms"] = (
            value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
        )
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    os.environ.update({k: v for k, v in FAKE_AWS_CREDENTIALS.items() if k not in os.environ})

    with local_stack() as (stack, endpoints):
        assert endpoints.aws_endpoint_url
        queue = provision_aws(endpoints.aws_endpoint_url, "bench", "bench-exports")
        env = {
            **os.environ,
            "APP_ENVIRONMENT": "local",
            "APP_DATABASE_URL": endpoints.database_url,
            "APP_REDIS_URL": endpoints.redis_url,
            "APP_AWS_ENDPOINT_URL": endpoints.aws_endpoint_url,
            "APP_S3_BUCKET": "bench",
            "APP_SQS_EXPORT_QUEUE_URL": queue,
            "APP_JWT_SIGNING_KEY": secrets.token_urlsafe(32),
            "APP_LOG_LEVEL": "WARNING",
            "APP_RATE_LIMIT_API_PER_USER": str(10**9),
        }
        migrate(Settings(**{k[4:].lower(): v for k, v in env.items() if k.startswith("APP_")}))  # type: ignore[arg-type]
        ports = {"bare": free_port(), "api": free_port(), "api_no_cache": free_port()}
        logs = stack.data_root
        processes = [
            ManagedProcess(
                "bare",
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--app-dir",
                    str(HERE),
                    "bare_app:app",
                    "--port",
                    str(ports["bare"]),
                    *UVICORN_FLAGS,
                ],
                ports["bare"],
                logs / "bare.log",
            ),
            ManagedProcess(
                "api",
                [sys.executable, "-m", "taskapp", "api"],
                ports["api"],
                logs / "api.log",
                env={**env, "APP_PORT": str(ports["api"])},
            ),
            ManagedProcess(
                "api_no_cache",
                [sys.executable, "-m", "taskapp", "api"],
                ports["api_no_cache"],
                logs / "api_no_cache.log",
                env={
                    **env,
                    "APP_PORT": str(ports["api_no_cache"]),
                    "APP_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                },
            ),
        ]
        try:
            for process in processes:
                process.start()
                wait_http(f"http://127.0.0.1:{process.port}/", process)
            api = f"http://127.0.0.1:{ports['api']}"
            session = call(
                api,
                "POST",
                "/api/auth/signup",
                {
                    "email": "bench@example.com",
                    "password": "a bench password",
                    "display_name": "Bench",
                },
            )
            token = session["tokens"]["access_token"]
            project = call(api, "POST", "/api/projects", {"name": "Bench"}, token)["id"]
            for i in range(100):
                call(api, "POST", f"/api/projects/{project}/tasks", {"title": f"Task {i}"}, token)
            tasks = f"/api/projects/{project}/tasks"
            scenarios = [
                ("bare Starlette JSON (baseline)", f"http://127.0.0.1:{ports['bare']}/", None),
                ("API /healthz", f"{api}/healthz", None),
                ("cached task page (20), authenticated", f"{api}{tasks}?limit=20", token),
                (
                    "uncached 100 tasks from PostgreSQL",
                    f"http://127.0.0.1:{ports['api_no_cache']}{tasks}?limit=100",
                    token,
                ),
            ]
            results = []
            for name, url, bearer in scenarios:
                wrk(url, 2, args.connections, bearer)  # warm-up
                results.append((name, wrk(url, args.seconds, args.connections, bearer)))
        finally:
            for process in reversed(processes):
                process.stop()

    baseline = results[0][1]["rps"]
    print(
        f"\n{args.connections} connections, {args.seconds} s each, one uvicorn worker, "
        f"{os.cpu_count()} cores shared with wrk\n"
    )
    print(f"{'scenario':42} {'req/s':>9} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, figures in results:
        print(
            f"{name:42} {figures['rps']:9.0f} {figures['rps'] / baseline:7.3f} "
            f"{figures['p50_ms']:8.2f} {figures['p99_ms']:8.2f} {figures['non_2xx']:8.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
