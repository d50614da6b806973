"""The pre-commit hooks: all local (no hook repository to fetch, so they work offline), and
each runs a command that `make lint` / `make typecheck` or CI runs too, so a commit that passes
them passes those."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
UV_RUN = "ops/tools/uv-run"
# Options that only concern how pre-commit passes files, not what is checked.
FILE_OPTIONS = {"--force-exclude"}


def hooks() -> list[dict[str, Any]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    found: list[dict[str, Any]] = config["repos"][0]["hooks"]
    return found


def make_commands(*targets: str) -> list[str]:
    """What `make <targets>` would run, with uv's path left out: `uv run --frozen ...`."""
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    commands = []
    for line in out.splitlines():
        words = shlex.split(line) if line.strip() else []
        if (len(words) > 1 and words[0].endswith("/uv")) or words[:1] == ["uv"]:
            words[0] = "uv"
        commands.append(" ".join(words))
    return commands


def test_every_hook_is_local_and_runs_a_system_command() -> None:
    ids = [hook["id"] for hook in hooks()]
    assert set(ids) >= {
        "ruff", "ruff-format", "mypy", "hadolint", "actionlint", "terraform-fmt", "biome",
    }  # fmt: skip
    for hook in hooks():
        assert hook["language"] == "system", hook["id"]


def test_uv_hooks_run_what_make_lint_and_typecheck_run() -> None:
    commands = make_commands("lint", "typecheck")
    for hook in hooks():
        words = shlex.split(hook["entry"])
        if words[0] != UV_RUN and UV_RUN not in words:
            continue
        tool = [w for w in words[words.index(UV_RUN) + 1 :] if w not in FILE_OPTIONS]
        expected = " ".join(["uv", "run", "--frozen", *tool])
        if hook["id"] == "checkov":
            continue  # the slow manual hook: checked below
        assert any(c == expected or c.startswith(expected + " ") for c in commands), (
            f"hook {hook['id']} runs `{expected}`, which `make lint typecheck` does not: {commands}"
        )


def test_the_other_hooks_run_what_ci_runs() -> None:
    by_id = {hook["id"]: hook["entry"] for hook in hooks()}
    infra = (ROOT / ".github" / "workflows" / "infra.yml").read_text()
    assert by_id["terraform-fmt"] in infra
    package = (ROOT / "frontend" / "package.json").read_text()
    assert by_id["biome"] == "npm --prefix frontend run lint"
    assert '"lint": "biome check' in package and "npm run lint &&" in package
    assert by_id["checkov"].endswith("pytest -q infra/tests/test_checkov.py")
    assert any("pytest backend/tests ops/tests infra/tests" in c for c in make_commands("test"))


def test_the_wrapper_runs_uv_run_frozen() -> None:
    wrapper = ROOT / UV_RUN
    assert wrapper.stat().st_mode & 0o111, "executable"
    assert 'exec "$uv" run --frozen "$@"' in wrapper.read_text()
    version = subprocess.run(
        [str(wrapper), "ruff", "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert version.stdout.startswith("ruff ")
