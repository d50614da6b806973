"""The deploy tool's vulnerability gate: trivy scans the built image before it is pushed, and
a CRITICAL finding that .trivyignore does not list stops the release. A stand-in trivy plays
the scanner (no Docker engine or vulnerability database here)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from taskapp_ops.deploy import (
    SCAN_FINDINGS_EXIT,
    TRIVY_IGNORE,
    ConfigError,
    DeployError,
    scan_command,
    scan_image,
    trivy_binary,
)

IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskapp-dev:abc123"


def fake_trivy(tmp_path: Path, exit_code: int) -> tuple[Path, Path]:
    calls = tmp_path / "calls"
    path = tmp_path / "trivy"
    path.write_text(f'#!/bin/sh\necho "$@" > {calls}\nexit {exit_code}\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path, calls


def test_the_scan_asks_for_critical_findings_with_the_allow_list() -> None:
    argv = scan_command("trivy", IMAGE)
    assert argv[:2] == ["trivy", "image"] and argv[-1] == IMAGE
    assert argv[argv.index("--severity") + 1] == "CRITICAL"
    assert argv[argv.index("--exit-code") + 1] == str(SCAN_FINDINGS_EXIT)
    assert argv[argv.index("--ignorefile") + 1] == str(TRIVY_IGNORE)
    assert TRIVY_IGNORE.is_file()


def test_a_clean_image_passes(tmp_path: Path) -> None:
    trivy, calls = fake_trivy(tmp_path, 0)
    lines: list[str] = []
    scan_image(str(trivy), IMAGE, lines.append)
    assert calls.read_text().split() == scan_command(str(trivy), IMAGE)[1:]
    assert "CRITICAL" in lines[0]


def test_critical_findings_stop_the_release(tmp_path: Path) -> None:
    trivy, _ = fake_trivy(tmp_path, SCAN_FINDINGS_EXIT)
    with pytest.raises(DeployError, match=r"has CRITICAL vulnerabilities .* not pushed") as err:
        scan_image(str(trivy), IMAGE, lambda _: None)
    assert ".trivyignore" in str(err.value)
    assert err.value.exit_code == 1


def test_a_failing_scanner_stops_the_release_too(tmp_path: Path) -> None:
    trivy, _ = fake_trivy(tmp_path, 1)
    with pytest.raises(DeployError, match=r"trivy failed \(exit 1\)"):
        scan_image(str(trivy), IMAGE, lambda _: None)


def test_no_trivy_is_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIVY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="trivy is not installed"):
        trivy_binary()
    monkeypatch.setenv("TRIVY", "/opt/trivy/bin/trivy")
    assert trivy_binary() == "/opt/trivy/bin/trivy"
