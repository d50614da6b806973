"""The container image's commands, run directly (no Docker engine here): the Dockerfile's CMD
serves the API, and the worker and migration commands that the ECS task definitions use
exist and start."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from taskapp_ops.provision import provision_aws
from taskapp_ops.services import ServiceEndpoints, free_port, local_stack

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def dockerfile_cmd() -> list[str]:
    text = (ROOT / "backend" / "Dockerfile").read_text()
    match = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form CMD"
    assert "ENTRYPOINT" not in text, "ECS commands override CMD only; keep no ENTRYPOINT"
    command: list[str] = json.loads(match.group(1))
    return command


def terraform_default_command(variable: str) -> list[str]:
    text = (ROOT / "infra" / "modules" / "compute" / "variables.tf").read_text()
    match = re.search(
        rf'variable "{variable}".*?command\s*=\s*optional\(list\(string\),\s*(\[[^\]]*\])\)',
        text,
        re.DOTALL,
    )
    assert match, f"no default command for {variable}"
    command: list[str] = json.loads(match.group(1))
    return command


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[ServiceEndpoints, dict[str, str]]]:
    with local_stack() as (_, endpoints):
        assert endpoints.aws_endpoint_url
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "x")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "x")
        queue = provision_aws(endpoints.aws_endpoint_url, "image-test", "image-test-exports")
        env.update(
            {
                "PATH": f"{BIN}:{os.environ['PATH']}",
                "APP_ENVIRONMENT": "local",
                "APP_DATABASE_URL": endpoints.database_url,
                "APP_REDIS_URL": endpoints.redis_url,
                "APP_AWS_ENDPOINT_URL": endpoints.aws_endpoint_url,
                "APP_S3_BUCKET": "image-test",
                "APP_SQS_EXPORT_QUEUE_URL": queue,
                "APP_JWT_SIGNING_KEY": secrets.token_urlsafe(32),
            }
        )
        yield endpoints, env


def test_migration_command_then_image_cmd_serves_the_api(
    services: tuple[ServiceEndpoints, dict[str, str]],
) -> None:
    _, env = services
    migration = subprocess.run(
        ["alembic", "upgrade", "head"], cwd=ROOT / "backend", env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert migration.returncode == 0, migration.stderr
    port = free_port()
    api = subprocess.Popen(
        dockerfile_cmd(), env={**env, "APP_PORT": str(port)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                assert api.poll() is None, "the API exited"
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.2)
        assert ready.status_code == 200 and ready.json()["database"] == "ok"
    finally:
        api.send_signal(signal.SIGTERM)
        output, _ = api.communicate(timeout=30)
    # Graceful shutdown on ECS's SIGTERM (uvicorn then re-raises the signal to exit).
    assert api.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output


def test_worker_command_runs_and_stops_on_sigterm(
    services: tuple[ServiceEndpoints, dict[str, str]],
) -> None:
    _, env = services
    worker = subprocess.Popen(
        terraform_default_command("worker"), env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert worker.stdout is not None
    started = ""
    for line in worker.stdout:  # the pytest timeout bounds this loop
        started += line
        if "export worker started" in line:
            break
    assert worker.poll() is None, started
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, started + output
    assert "export worker stopped" in output
