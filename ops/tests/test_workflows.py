"""The GitHub workflows as the supply chain sees them: every action pinned to a commit SHA with
its version beside it, the image scanned with a CRITICAL gate in CI and before every push by the
deploy tool, the allow-list explained entry by entry, Dependabot over every ecosystem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\s*$")
SETUP_TRIVY = "aquasecurity/setup-trivy@"


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(path.read_text())
    return doc


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job.get("steps", [])
    return found


def uses_lines(path: Path) -> list[tuple[int, str, str]]:
    """(line number, action reference, the rest of the line) of every `uses:`."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
        if match:
            found.append((number, match.group(1).strip("'\""), match.group(2)))
    return found


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "deploy.yml", "infra.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    # Every `uses:` the YAML holds is one the line scan below sees.
    parsed = [
        step["uses"] for job in load(path)["jobs"].values() for step in steps(job) if "uses" in step
    ] + [job["uses"] for job in load(path)["jobs"].values() if "uses" in job]
    lines = uses_lines(path)
    assert sorted(parsed) == sorted(ref for _, ref, _ in lines)
    for number, ref, rest in lines:
        if ref.startswith(("./", "docker://")):
            continue
        assert PINNED.match(ref), f"{path.name}:{number}: {ref} is not pinned to a 40-hex SHA"
        assert VERSION_COMMENT.search(rest), f"{path.name}:{number}: no `# vX.Y.Z` comment"


def test_one_sha_per_action_and_version() -> None:
    """The same action at the same version is the same commit everywhere."""
    seen: dict[str, tuple[str, str]] = {}
    for path in WORKFLOWS:
        for number, ref, rest in uses_lines(path):
            if "@" not in ref:
                continue
            action, sha = ref.split("@", 1)
            version = rest.strip().lstrip("#").strip()
            if action in seen:
                assert seen[action] == (sha, version), f"{path.name}:{number}: {action} differs"
            seen[action] = (sha, version)


def test_ci_builds_the_image_writes_an_sbom_and_gates_on_critical() -> None:
    jobs = load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    image = jobs["image"]
    runs = [step.get("run", "") for step in steps(image)]
    assert any("docker build --file backend/Dockerfile" in run and run.rstrip().endswith(" .")
               for run in runs), "the build context is the repository root (backend/Dockerfile)"  # fmt: skip
    assert any(step.get("uses", "").startswith(SETUP_TRIVY) for step in steps(image))
    assert any("--format cyclonedx" in run and "--output sbom.cdx.json" in run for run in runs)
    upload = [s for s in steps(image) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"] == "sbom.cdx.json"
    gate = [run for run in runs if "--severity CRITICAL" in run]
    assert len(gate) == 1, "one scan step gates on CRITICAL"
    assert "--exit-code 1" in gate[0] and "--ignorefile .trivyignore" in gate[0]
    assert not any("continue-on-error" in step for step in steps(image))


def test_every_deploy_job_installs_trivy_before_the_tool_runs() -> None:
    """The tool scans what it builds (taskapp_ops.deploy.scan_image) and needs trivy for it."""
    jobs = load(ROOT / ".github" / "workflows" / "deploy.yml")["jobs"]
    assert set(jobs) == {"dev", "stage", "prod"}
    for name, job in jobs.items():
        names = [step.get("uses", step.get("name", "")) for step in steps(job)]
        trivy = next(i for i, n in enumerate(names) if n.startswith(SETUP_TRIVY))
        deploy = names.index("Deploy")
        assert trivy < deploy, name
        assert "taskapp_ops.deploy" in steps(job)[deploy]["run"]


def test_every_allow_list_entry_has_a_reason() -> None:
    lines = (ROOT / ".trivyignore").read_text().splitlines()
    for number, line in enumerate(lines):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        above = lines[number - 1].strip() if number else ""
        assert above.startswith("#") and len(above) > 10, (
            f".trivyignore:{number + 1}: {entry} needs a comment line above it saying why"
        )


def test_dependabot_covers_every_ecosystem_weekly_and_grouped() -> None:
    config = load(ROOT / ".github" / "dependabot.yml")
    assert config["version"] == 2
    by_ecosystem = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(by_ecosystem) == {"uv", "npm", "terraform", "github-actions", "docker"}
    assert by_ecosystem["uv"]["directory"] == "/"
    assert by_ecosystem["npm"]["directory"] == "/frontend"
    assert by_ecosystem["docker"]["directory"] == "/backend"
    terraform = by_ecosystem["terraform"]["directories"]
    for root in ("/infra/envs/dev", "/infra/envs/stage", "/infra/envs/prod", "/infra/bootstrap"):
        assert root in terraform
        assert (ROOT / root.lstrip("/") / "versions.tf").is_file()
    for update in config["updates"]:
        assert update["schedule"]["interval"] == "weekly"
        assert update["groups"], update["package-ecosystem"]
