"""The prerequisite check (`make doctor`, first step of `make test` and `make dev`), run as
`make` runs it: the script under a plain interpreter, against a PATH of stand-in tools, so each
case controls exactly which tool is missing or too old."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taskapp_ops.doctor import os_release

ROOT = Path(__file__).resolve().parents[2]
DOCTOR = ROOT / "ops" / "src" / "taskapp_ops" / "doctor.py"
FAST = 10  # seconds: a missing tool is reported at once, never after a long install


def tool(bin_dir: Path, name: str, body: str) -> Path:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """Every prerequisite present, at the oldest version admitted."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool(bin_dir, "make", 'echo "GNU Make 4.3"')
    tool(bin_dir, "node", "echo v20.19.0")
    tool(bin_dir, "npm", "echo 10.8.2")
    tool(bin_dir, "chromium", 'echo "Chromium 140.0.7339.80"')
    terraform = json.dumps({"terraform_version": "1.11.0"})
    tool(bin_dir, "terraform", f"echo '{terraform}'")
    return bin_dir


def doctor(bin_dir: Path, *args: str, **env: str | None) -> tuple[int, str]:
    environ = {
        "PATH": str(bin_dir),
        "HOME": str(bin_dir.parent),
        "CHROMIUM_PATH": str(bin_dir / "chromium"),
        "TERRAFORM_REQUIRED": "1",
    }
    for key, value in env.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(DOCTOR), *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert time.monotonic() - started < FAST, "the check must answer within seconds"
    return proc.returncode, proc.stdout + proc.stderr


def test_passes_when_everything_is_present(bin_dir: Path) -> None:
    code, out = doctor(bin_dir, "--for", "test")
    assert code == 0, out
    for line in ("make       GNU Make 4.3", "node       20.19.0", "npm 10.8.2",
                 "chromium   140.0.7339", "terraform  1.11.0"):  # fmt: skip
        assert line in out
    assert "Everything needed is here." in out


def test_chromium_missing_fails_with_the_command(bin_dir: Path) -> None:
    code, out = doctor(bin_dir, "--for", "test", CHROMIUM_PATH="/nonexistent")
    assert code == 1, out
    assert "MISSING  chromium   CHROMIUM_PATH=/nonexistent is not an executable" in out
    assert "apt-get install -y --no-install-recommends chromium" in out
    assert "Missing: chromium." in out


def test_node_missing_fails_with_the_command(bin_dir: Path) -> None:
    (bin_dir / "node").unlink()
    code, out = doctor(bin_dir, "--for", "dev")
    assert code == 1, out
    assert "MISSING  node       not on PATH" in out
    assert "https://nodejs.org/en/download" in out


def test_old_node_fails(bin_dir: Path) -> None:
    tool(bin_dir, "node", "echo v20.18.3")
    code, out = doctor(bin_dir, "--for", "dev")
    assert code == 1, out
    assert "20.18.3 (" in out and "is older than 20.19" in out


def test_npm_missing_fails(bin_dir: Path) -> None:
    (bin_dir / "npm").unlink()
    code, out = doctor(bin_dir, "--for", "dev")
    assert code == 1, out
    assert "but no npm" in out


def test_make_missing_fails_with_the_command(bin_dir: Path) -> None:
    (bin_dir / "make").unlink()
    code, out = doctor(bin_dir, "--for", "dev")
    assert code == 1, out
    assert "MISSING  make" in out
    assert "install -y --no-install-recommends make" in out


def test_terraform_required_and_missing_fails(bin_dir: Path) -> None:
    (bin_dir / "terraform").unlink()
    code, out = doctor(bin_dir, "--for", "test")
    assert code == 1, out
    assert "MISSING  terraform" in out
    assert "https://developer.hashicorp.com/terraform/install" in out


def test_terraform_optional_when_not_required(bin_dir: Path) -> None:
    (bin_dir / "terraform").unlink()
    code, out = doctor(bin_dir, "--for", "test", TERRAFORM_REQUIRED=None)
    assert code == 0, out
    assert "skip     terraform  not found: the infrastructure checks will skip" in out


def test_old_terraform_fails_even_when_optional(bin_dir: Path) -> None:
    tool(bin_dir, "terraform", 'echo \'{"terraform_version": "1.10.5"}\'')
    code, out = doctor(bin_dir, "--for", "test", TERRAFORM_REQUIRED=None)
    assert code == 1, out
    assert "1.10.5" in out and "is older than 1.11" in out


def test_dev_needs_neither_chromium_nor_terraform(bin_dir: Path) -> None:
    (bin_dir / "chromium").unlink()
    (bin_dir / "terraform").unlink()
    code, out = doctor(bin_dir, "--for", "dev")
    assert code == 0, out
    assert "chromium" not in out and "terraform" not in out


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("apt-get"), reason="--install needs root and apt-get"
)
def test_install_runs_apt_get_and_checks_again(bin_dir: Path) -> None:
    release = os_release()
    if not {release.get("ID"), *release.get("ID_LIKE", "").split()} & {"debian", "ubuntu"}:
        pytest.skip("--install uses apt on Debian and Ubuntu only")
    (bin_dir / "make").unlink()
    log = bin_dir.parent / "apt.log"
    # A stand-in apt-get that "installs" make into the same PATH directory.
    tool(
        bin_dir,
        "apt-get",
        f'echo "$@" >> {log}\n'
        f'case "$*" in *install*) printf \'#!/bin/sh\\necho "GNU Make 4.4"\\n\' > {bin_dir}/make;'
        f" /bin/chmod +x {bin_dir}/make;; esac",
    )
    code, out = doctor(bin_dir, "--for", "test", "--install")
    assert code == 0, out
    calls = log.read_text().splitlines()
    assert calls == ["update -qq", "install -y -qq --no-install-recommends make"]
    assert "ok       make       GNU Make 4.4" in out
