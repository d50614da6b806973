"""Statelessness: two API processes behind the local edge, as two Fargate tasks behind the ALB
(round robin, no stickiness). A session started on one continues on the other, rate limits
hold across both, and a refresh token rotated on one is refused as reused on the other.

The processes are the real thing (`python -m taskapp api`, uvicorn), on the real PostgreSQL and
Redis the suite starts; the edge is `taskapp_ops.edge`, which `make dev` runs."""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from httpx_sse import connect_sse

from taskapp_ops.dev import edge_process
from taskapp_ops.services import ManagedProcess, free_port
from tests.conftest import Figures, Stack
from tests.factories import PASSWORD, in_a_fresh_rate_window_blocking

# Liveness bounds for start-up and for an event to arrive, not measurements.
START_BOUND_SECONDS = 60.0
EVENT_BOUND_SECONDS = 10.0


@dataclass
class Cluster:
    edge: str
    apis: list[str]


def _environment(stack: Stack, port: int, jwt_key: str, origin_secret: str) -> dict[str, str]:
    settings = stack.settings
    assert settings.aws_endpoint_url is not None
    assert settings.sqs_export_queue_url is not None
    return {
        "PATH": "/usr/bin:/bin",
        "AWS_ACCESS_KEY_ID": "test-only",
        "AWS_SECRET_ACCESS_KEY": "test-only",
        "AWS_DEFAULT_REGION": "us-east-1",
        "APP_ENVIRONMENT": "test",
        "APP_DATABASE_URL": settings.sqlalchemy_database_url,
        "APP_REDIS_URL": settings.redis_connection_url,
        "APP_AWS_ENDPOINT_URL": settings.aws_endpoint_url,
        "APP_S3_BUCKET": settings.s3_bucket,
        "APP_SQS_EXPORT_QUEUE_URL": settings.sqs_export_queue_url,
        "APP_JWT_SIGNING_KEY": jwt_key,
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "APP_FORWARDED_HOPS": "1",
        "APP_ORIGIN_VERIFY_SECRET": origin_secret,
        "APP_LOG_LEVEL": "WARNING",
        # Every reuse of a rotated refresh token is theft here, even at once (the grace window
        # of ADR 0074 is tested in test_auth.py).
        "APP_REFRESH_REUSE_GRACE_SECONDS": "0",
    }


def _wait_until_ready(url: str, process: ManagedProcess) -> None:
    _wait_until_status(url, process, 200)


def _wait_until_status(url: str, process: ManagedProcess, status: int) -> None:
    deadline = time.monotonic() + START_BOUND_SECONDS
    while time.monotonic() < deadline:
        assert process.running, f"{process.name} exited; see {process.log_path}"
        try:
            if httpx.get(url, timeout=1.0).status_code == status:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not become ready at {url}")


@pytest.fixture(scope="module")
def cluster(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    logs = Path(tmp_path_factory.mktemp("cluster"))
    jwt_key = secrets.token_urlsafe(32)
    origin_secret = secrets.token_urlsafe(32)
    ports = [free_port(), free_port()]
    apis = [
        ManagedProcess(
            f"api-{n}",
            [sys.executable, "-m", "taskapp", "api"],
            port,
            logs / f"api-{n}.log",
            env=_environment(stack, port, jwt_key, origin_secret),
        )
        for n, port in enumerate(ports)
    ]
    edge_port = free_port()
    edge = edge_process(
        edge_port,
        ports,
        logs / "edge.log",
        {"PATH": "/usr/bin:/bin", "APP_ORIGIN_VERIFY_SECRET": origin_secret},
    )
    try:
        for api in apis:
            api.start()
        for api, port in zip(apis, ports, strict=True):
            _wait_until_ready(f"http://127.0.0.1:{port}/readyz", api)
        edge.start()
        # The edge forwards /api/*: an unauthenticated call answered 401 is the API's answer.
        _wait_until_status(f"http://127.0.0.1:{edge_port}/api/auth/me", edge, 401)
        yield Cluster(f"http://127.0.0.1:{edge_port}", [f"http://127.0.0.1:{p}" for p in ports])
    finally:
        edge.stop()
        for api in apis:
            api.stop()


def _sign_up(base: str, name: str) -> tuple[str, dict[str, str]]:
    email = f"{name}-{secrets.token_hex(4)}@example.com"
    response = httpx.post(
        f"{base}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "display_name": name},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return email, response.json()["tokens"]


class TestTwoApiProcesses:
    def test_a_session_and_its_data_continue_on_either_process(self, cluster: Cluster) -> None:
        _, tokens = _sign_up(cluster.apis[0], "alice")
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        created = httpx.post(
            f"{cluster.apis[1]}/api/projects", json={"name": "Shared"}, headers=headers, timeout=10
        )
        assert created.status_code == 201, created.text
        project_id = created.json()["id"]
        # Through the edge, requests alternate between the processes.
        for _ in range(6):
            listed = httpx.get(f"{cluster.edge}/api/projects", headers=headers, timeout=10)
            assert listed.status_code == 200, listed.text
            assert [p["id"] for p in listed.json()["items"]] == [project_id]

    def test_a_rotated_refresh_token_is_refused_as_reused_on_the_other(
        self, cluster: Cluster
    ) -> None:
        _, tokens = _sign_up(cluster.apis[0], "bob")
        first = tokens["refresh_token"]
        rotated = httpx.post(
            f"{cluster.apis[0]}/api/auth/refresh", json={"refresh_token": first}, timeout=10
        )
        assert rotated.status_code == 200, rotated.text
        reused = httpx.post(
            f"{cluster.apis[1]}/api/auth/refresh", json={"refresh_token": first}, timeout=10
        )
        assert reused.status_code == 401
        assert "already used" in reused.json()["error"]["message"]
        # Reuse revokes the whole family: the token issued by the first process dies too.
        newest = rotated.json()["refresh_token"]
        after = httpx.post(
            f"{cluster.apis[0]}/api/auth/refresh", json={"refresh_token": newest}, timeout=10
        )
        assert after.status_code == 401

    def test_the_login_limit_counts_across_both_processes(
        self, cluster: Cluster, stack: Stack
    ) -> None:
        email, _ = _sign_up(cluster.apis[0], "carol")
        limit = stack.settings.rate_limit_login_per_account
        in_a_fresh_rate_window_blocking()
        statuses = []
        for attempt in range(limit + 1):
            api = cluster.apis[attempt % 2]
            answer = httpx.post(
                f"{api}/api/auth/login",
                json={"email": email, "password": "not the password"},
                timeout=10,
            )
            statuses.append(answer.status_code)
        # Each process saw about half the attempts; only a shared count reaches the limit.
        assert statuses[:limit] == [401] * limit
        assert statuses[limit] == 429

    def test_logging_out_on_one_ends_the_access_token_on_the_other(self, cluster: Cluster) -> None:
        _, tokens = _sign_up(cluster.apis[0], "dave")
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert httpx.get(f"{cluster.apis[1]}/api/auth/me", headers=headers).status_code == 200
        out = httpx.post(
            f"{cluster.apis[0]}/api/auth/logout",
            json={"refresh_token": tokens["refresh_token"]},
            timeout=10,
        )
        assert out.status_code == 204
        assert httpx.get(f"{cluster.apis[1]}/api/auth/me", headers=headers).status_code == 401

    def test_a_change_on_one_process_reaches_streams_on_the_other_and_through_the_edge(
        self, cluster: Cluster, figures: Figures
    ) -> None:
        """Issue 11: no sticky sessions. A browser follows the project on process 1 (directly)
        and through the edge; the change is made on process 0. Then the browser drops its
        connection, a change happens, and it resumes on process 0 from the last event."""
        _, tokens = _sign_up(cluster.apis[0], "alice")
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        project = httpx.post(
            f"{cluster.apis[0]}/api/projects", json={"name": "Live"}, headers=headers, timeout=10
        ).json()["id"]
        tasks = f"{cluster.apis[0]}/api/projects/{project}/tasks"
        events = f"/api/projects/{project}/events"
        timeout = httpx.Timeout(10.0, read=EVENT_BOUND_SECONDS)
        with (
            httpx.Client(timeout=timeout) as client,
            connect_sse(client, "GET", f"{cluster.apis[1]}{events}", headers=headers) as direct,
            connect_sse(client, "GET", f"{cluster.edge}{events}", headers=headers) as edged,
        ):
            streams = [direct.iter_sse(), edged.iter_sse()]
            assert [next(s).event for s in streams] == ["ready", "ready"]
            started = time.monotonic()
            created = httpx.post(tasks, json={"title": "live"}, headers=headers, timeout=10)
            assert created.status_code == 201, created.text
            seen = []
            for source in streams:
                change = next(e for e in source if e.event == "change")
                seen.append(time.monotonic() - started)
                assert json.loads(change.data)["task_id"] == created.json()["id"]
                last_id = change.id
        figures.add(
            "live update across processes: change on API 0 seen on API 1 after "
            f"{seen[0] * 1000:.0f} ms, through the edge after {seen[1] * 1000:.0f} ms"
        )
        missed = httpx.post(tasks, json={"title": "while away"}, headers=headers, timeout=10)
        with (
            httpx.Client(timeout=timeout) as client,
            connect_sse(
                client,
                "GET",
                f"{cluster.apis[0]}{events}",
                headers={**headers, "Last-Event-ID": last_id},
            ) as resumed,
        ):
            source = resumed.iter_sse()
            assert next(source).event == "ready"
            change = next(source)
            assert change.event == "change"
            assert json.loads(change.data)["task_id"] == missed.json()["id"]
