"""`make dev`: the whole app on this machine. PostgreSQL, Redis and the AWS emulator (unless
DATABASE_URL / REDIS_URL / AWS_ENDPOINT_URL point at your own), migrations, the bucket and
queue, then the API, the export worker and the local edge (taskapp_ops.edge: the built
frontend plus `/api` forwarded, as CloudFront does; build the frontend first, `make dev` does).
Ctrl-C stops everything; nothing is left running."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import ssl
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from taskapp.core.settings import Settings
from taskapp_ops.provision import migrate, provision_aws
from taskapp_ops.services import ManagedProcess, ServiceEndpoints, free_port, local_stack, port_open

BUCKET = "taskapp-local"
QUEUE = "taskapp-local-exports"
FAKE_AWS_CREDENTIALS = {
    # The emulator accepts any credentials; real ones must never be needed locally.
    "AWS_ACCESS_KEY_ID": "local-emulator",
    "AWS_SECRET_ACCESS_KEY": "local-emulator",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def app_environment(
    endpoints: ServiceEndpoints, queue_url: str, port: int, environ: Mapping[str, str]
) -> dict[str, str]:
    """The APP_* settings for the API and the worker, on top of the caller's environment."""
    env = {**environ}
    for key, value in FAKE_AWS_CREDENTIALS.items():
        env.setdefault(key, value)
    env.update(
        {
            "APP_ENVIRONMENT": "local",
            "APP_DATABASE_URL": endpoints.database_url,
            "APP_REDIS_URL": endpoints.redis_url,
            "APP_S3_BUCKET": BUCKET,
            "APP_SQS_EXPORT_QUEUE_URL": queue_url,
            "APP_HOST": "127.0.0.1",
            # The local edge appends the client to X-Forwarded-For, as CloudFront does, and
            # proves it with the origin secret (below); a request straight at the API port
            # has no proof and counts by its own address (ADR 0087).
            "APP_FORWARDED_HOPS": "1",
            "APP_ORIGIN_VERIFY_HEADER": "X-Origin-Verify",
            "APP_PORT": str(port),
        }
    )
    if endpoints.aws_endpoint_url:
        env["APP_AWS_ENDPOINT_URL"] = endpoints.aws_endpoint_url
    # A fresh signing key per run unless you set one: sessions end when `make dev` restarts.
    env.setdefault("APP_JWT_SIGNING_KEY", secrets.token_urlsafe(32))
    # The secret the local edge sends to the API, as CloudFront does in AWS: fresh per run.
    env.setdefault("APP_ORIGIN_VERIFY_SECRET", secrets.token_urlsafe(32))
    return env


def edge_environment(app_env: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """The local edge's environment: the caller's, plus the origin header and secret it adds
    to every request it forwards to the API (the API's own values)."""
    names = ("APP_ORIGIN_VERIFY_HEADER", "APP_ORIGIN_VERIFY_SECRET")
    return {**environ, **{name: app_env[name] for name in names}}


def edge_process(
    port: int,
    api_ports: Sequence[int],
    log: Path,
    env: Mapping[str, str],
    s3_origin: str = "",
    tls: EdgeCertificate | None = None,
) -> ManagedProcess:
    """The local edge (taskapp_ops.edge) in front of one API process or several, taken in
    turn as the ALB does; over HTTPS with HTTP/2 when given a certificate."""
    argv = [sys.executable, "-m", "taskapp_ops.edge", "--port", str(port)]
    for api_port in api_ports:
        argv += ["--api-url", f"http://127.0.0.1:{api_port}"]
    if s3_origin:
        argv += ["--s3-origin", s3_origin]
    if tls:
        argv += ["--tls-cert", str(tls.chain), "--tls-key", str(tls.key)]
    return ManagedProcess("edge", argv, port, log, env=dict(env))


class EdgeCertificate:
    """A certificate for 127.0.0.1 from a certificate authority made for this run (trustme):
    no browser trusts it, so `--edge-tls` is for tools that are told to (make lighthouse)."""

    def __init__(self, directory: Path) -> None:
        import trustme

        self._authority = trustme.CA(organization_name="taskapp-dev, this run only")
        issued = self._authority.issue_cert("127.0.0.1", "localhost")
        self.chain = directory / "edge-certificate.pem"
        self.key = directory / "edge-key.pem"
        # The key readable by this user only, from the first byte.
        self.key.touch(mode=0o600)
        issued.private_key_pem.write_to_path(str(self.key))
        self.chain.write_bytes(b"".join(pem.bytes() for pem in issued.cert_chain_pems))

    def client_context(self) -> ssl.SSLContext:
        """A client's TLS context that trusts this run's authority, and only it."""
        return ssl.create_default_context(cadata=self._authority.cert_pem.bytes().decode())


def wait_for_http(
    url: str, timeout: float, process: ManagedProcess, verify: ssl.SSLContext | bool = True
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running:
            raise SystemExit(f"{process.name} exited; see {process.log_path}")
        try:
            if httpx.get(url, timeout=1.0, verify=verify).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{process.name} did not answer at {url} within {timeout:.0f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("APP_PORT", "8000")))
    parser.add_argument(
        "--check",
        action="store_true",
        help="start everything, check it answers, then stop (used by the tests)",
    )
    parser.add_argument(
        "--edge-port",
        type=int,
        default=int(os.environ.get("APP_EDGE_PORT", "8080")),
        help="port of the local edge, the app's address (0: a free port)",
    )
    parser.add_argument(
        "--edge-tls",
        action="store_true",
        help="serve the edge over HTTPS with HTTP/2, as CloudFront does, with a certificate "
        "made for this run that no browser trusts (make lighthouse uses it)",
    )
    args = parser.parse_args(argv)
    port = args.port if args.port and not port_open(args.port) else free_port()
    edge_port = args.edge_port if args.edge_port and not port_open(args.edge_port) else free_port()

    with local_stack() as (stack, endpoints):
        aws_url = endpoints.aws_endpoint_url
        assert aws_url is not None  # noqa: S101 - local_stack starts the emulator when unset
        os.environ.update({k: v for k, v in FAKE_AWS_CREDENTIALS.items() if k not in os.environ})
        queue_url = provision_aws(aws_url, BUCKET, QUEUE)
        env = app_environment(endpoints, queue_url, port, os.environ)
        scheme = "https" if args.edge_tls else "http"
        app_url = f"{scheme}://127.0.0.1:{edge_port}"
        # Invitation links in the API log open the app through the edge (ADR 0083).
        env.setdefault("APP_PUBLIC_APP_URL", app_url)
        migrate(Settings(**_app_settings(env)))  # type: ignore[arg-type]
        logs = stack.data_root
        tls = EdgeCertificate(logs) if args.edge_tls else None
        api = ManagedProcess(
            "api", [sys.executable, "-m", "taskapp", "api"], port, logs / "api.log", env=env
        )
        worker = ManagedProcess(
            "worker", [sys.executable, "-m", "taskapp", "worker"], 0, logs / "worker.log", env=env
        )
        edge = edge_process(
            edge_port,
            [port],
            logs / "edge.log",
            edge_environment(env, os.environ),
            aws_url,
            tls,
        )
        try:
            api.start()
            worker.start()
            wait_for_http(f"http://127.0.0.1:{port}/readyz", 30, api)
            edge.start()
            wait_for_http(f"{app_url}/", 30, edge, tls.client_context() if tls else True)
            print(
                "\nTask tracker is running.\n"
                f"  App (open this):         {app_url}/\n"
                f"  API docs:                http://127.0.0.1:{port}/api/docs\n"
                f"  API:                     http://127.0.0.1:{port}/api\n"
                f"  PostgreSQL:              {_redact(endpoints.database_url)}\n"
                f"  Redis:                   {endpoints.redis_url}\n"
                f"  AWS emulator (S3, SQS):  {aws_url}\n"
                f"  Logs:                    {logs}\n"
                "Press Ctrl-C to stop.",
                flush=True,
            )
            if args.check:
                return 0
            if not _wait_for_interrupt(api, worker, edge):
                return 1
        finally:
            edge.stop()
            worker.stop()
            api.stop()
    return 0


def _app_settings(env: Mapping[str, str]) -> dict[str, str]:
    return {k.removeprefix("APP_").lower(): v for k, v in env.items() if k.startswith("APP_")}


def _redact(url: str) -> str:
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def _wait_for_interrupt(*processes: ManagedProcess) -> bool:
    """Wait for Ctrl-C or SIGTERM (True), or for a process to die on its own (False)."""
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop:
            for process in processes:
                if not process.running:
                    # A terminal's Ctrl-C reaches the children too: give ours time to arrive.
                    time.sleep(1.0)
                    print(f"{process.name} exited; see {process.log_path}", file=sys.stderr)
                    return False
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    print("\nStopping…", flush=True)
    return True


if __name__ == "__main__":
    raise SystemExit(main())
