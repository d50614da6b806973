"""checkov over each environment's plan (terraform_plan framework) with our spec policies:
0 failed checks, our policies run, and they bite on a bad plan.

checkov reads the `terraform show -json` of the plans made in conftest.py (`env_plans`), with
`--repo-root-for-plan-enrichment` pointing at the workspace's copy of infra/ so that the inline
`#checkov:skip=` comments of the HCL apply to the plan's resources.

checkov's plan parser takes an unknown value from the configuration's `references`, but skips
module inputs (`var.x`): a module's `kms_key_id = var.kms_key_arn` would read as "not set".
Before checkov runs, the references of those expressions are followed by the resolver of
spec_rules.py (through module calls, outputs and locals) and the resources they reach are put
in front of the expression's `references`, in a copy of the plan JSON given to checkov.

checkov pins many dependencies, so it lives in its own environment (the Makefile provides it):
the test uses $CHECKOV if set, else `checkov` on PATH, and skips with the reason otherwise.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from plans import ENVIRONMENTS, Plan
from spec_rules import Model, Resolved
from terraform import Workspace
from test_rules_negative import broken_prod  # noqa: F401  (the session fixture, shared)

# The plans take minutes on a loaded machine: the first test that needs one waits for it.
pytestmark = pytest.mark.timeout(1800)

INFRA = Path(__file__).resolve().parents[1]
CHECKOV_VERSION = "3.3.30"

# Checks that fail by design outside prod (DESIGN.md section 7: dev is cheap, stage is smaller;
# prod is the spec in full and skips none of them).
ENV_SKIPS: dict[str, dict[str, str]] = {
    "dev": {
        "CKV_AWS_150": "ALB deletion protection is a prod setting (alb_deletion_protection)",
        "CKV_AWS_293": "database deletion protection is a prod setting",
        "CKV_AWS_157": "dev's database is single-AZ (cost)",
        "CKV2_AWS_50": "dev's cache is one node (cost)",
        "CKV_AWS_353": "Performance Insights is off in dev (cost)",
        "CKV_AWS_118": "enhanced monitoring is off in dev (cost)",
        "CKV_AWS_338": "log retention under a year outside prod",
        "CKV_AWS_144": "cross-region replication of uploads is a prod setting",
    },
    "stage": {
        "CKV_AWS_150": "ALB deletion protection is a prod setting (alb_deletion_protection)",
        "CKV_AWS_293": "database deletion protection is a prod setting",
        "CKV_AWS_338": "log retention under a year outside prod",
        "CKV_AWS_144": "cross-region replication of uploads is a prod setting",
    },
    "prod": {},
}
BOOTSTRAP_VARS = [
    "-var=region=eu-west-1",
    "-var=github_repository=example-org/taskapp",
    '-var=environments={"dev":{"region":"eu-west-1"},"stage":{"region":"eu-west-1"},'
    '"prod":{"region":"eu-west-1"}}',
]
# Ours that need a resource prod does not have to run (CKV_TT_7: IAM users; CKV_TT_9 runs only
# where checkov can read container_definitions, known at plan).
MUST_RUN_ON_ENVS = {"CKV_TT_1", "CKV_TT_2", "CKV_TT_3", "CKV_TT_4", "CKV_TT_5", "CKV_TT_6"}
MUST_RUN_ON_ENVS |= {"CKV_TT_8", "CKV2_TT_1"}


def checkov_bin() -> str:
    exe = os.environ.get("CHECKOV") or shutil.which("checkov")
    if not exe:
        pytest.skip(
            f"checkov executable not found (install checkov=={CHECKOV_VERSION} in its own venv; "
            "set CHECKOV or PATH)"
        )
    return exe


def with_resolved_references(model: Model) -> dict[str, Any]:
    """A copy of the plan where expressions that only reference module inputs or locals also
    list the resources those lead to (checkov's plan parser ignores `var.` and `local.`)."""
    document = copy.deepcopy(model.document)

    def fix(node: Any, module: str, config: dict[str, Any]) -> None:
        if isinstance(node, list):
            for item in node:
                fix(item, module, config)
            return
        if not isinstance(node, dict):
            return
        refs = node.get("references")
        if isinstance(refs, list):
            if refs and all(r.startswith(("var.", "local.", "each.")) for r in refs):
                found = Resolved()
                model._references(refs, module, config, found, set())
                prefix = f"{module}." if module else ""
                node["references"] = [
                    t[len(prefix) :] if t.startswith(prefix) else t for t in sorted(found.targets)
                ] + refs
            return
        for value in node.values():
            fix(value, module, config)

    def walk(module_config: dict[str, Any], path: str) -> None:
        for resource in module_config.get("resources", []):
            fix(resource.get("expressions", {}), path, resource)
        for name, call in module_config.get("module_calls", {}).items():
            walk(call["module"], f"{path}.module.{name}" if path else f"module.{name}")

    walk(document["configuration"]["root_module"], "")
    return document


def run_checkov(plan_json: Path, enrichment_root: Path, skips: list[str] = ()) -> dict:
    args = [
        checkov_bin(),
        "-f",
        str(plan_json),
        "--framework",
        "terraform_plan",
        "--external-checks-dir",
        str(INFRA / "policies"),
        "--repo-root-for-plan-enrichment",
        str(enrichment_root),
        "--skip-download",
        "-o",
        "json",
    ]
    if skips:
        args += ["--skip-check", ",".join(skips)]
    proc = subprocess.run(
        args,
        check=False,  # checkov exits 1 when a check fails; the JSON report is what is read
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"},
    )
    out = proc.stdout.strip()
    assert out.startswith(("{", "[")), (
        f"checkov produced no JSON (rc={proc.returncode}):\n{proc.stderr[-3000:]}"
    )
    data = json.loads(out)
    reports = data if isinstance(data, list) else [data]
    assert len(reports) == 1 and reports[0]["check_type"] == "terraform_plan", reports
    return reports[0]["results"]


def scan(model: Model, root: Path, directory: Path, skips: list[str] = ()) -> dict:
    plan_json = directory / f"{model.plan.json_path.stem}.checkov.json"
    plan_json.write_text(json.dumps(with_resolved_references(model)))
    return run_checkov(plan_json, root, skips)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checkov_passes_on_the_plan(
    workspace: Workspace, env_plans: dict[str, Plan], env: str
) -> None:
    model = Model(env_plans[env], root_dir=workspace.root / "envs" / env)
    results = scan(model, workspace.root, model.plan.json_path.parent, list(ENV_SKIPS[env]))
    assert not results.get("parsing_errors"), results["parsing_errors"]
    ours = {c["check_id"] for c in results["passed_checks"] if "_TT_" in c["check_id"]}
    assert ours >= MUST_RUN_ON_ENVS, f"spec policies that did not run: {MUST_RUN_ON_ENVS - ours}"
    skipped = {c["check_id"] for c in results["skipped_checks"]}
    assert skipped, "no inline #checkov:skip applied: plan enrichment did not work"
    failed = results["failed_checks"]
    summary = "\n".join(f"{c['check_id']} {c['resource']} {c['check_name']}" for c in failed)
    assert not failed, f"{env}: {len(failed)} failed checkov checks:\n{summary}"


@pytest.fixture(scope="module")
def bootstrap_plan(workspace: Workspace) -> Plan:
    """The bootstrap root (state bucket, its key, the deploy roles) is not an environment: it
    is planned here, with the one variable it needs, so that checkov sees it too."""
    workspace.init_results["bootstrap"].check()
    workspace.run(
        "bootstrap", "plan", "-refresh=false", "-no-color", "-out=first.tfplan", *BOOTSTRAP_VARS
    ).check()
    shown = workspace.run("bootstrap", "show", "-json", "first.tfplan").check()
    json_path = workspace.root.parent / "plans" / "bootstrap.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(shown.stdout)
    return Plan(env="bootstrap", json_path=json_path, document=json.loads(shown.stdout))


def test_checkov_passes_on_the_bootstrap_plan(workspace: Workspace, bootstrap_plan: Plan) -> None:
    model = Model(bootstrap_plan, root_dir=workspace.root / "bootstrap")
    results = scan(model, workspace.root, bootstrap_plan.json_path.parent)
    assert not results.get("parsing_errors"), results["parsing_errors"]
    assert results["passed_checks"], "checkov ran no check on the bootstrap plan"
    failed = results["failed_checks"]
    summary = "\n".join(f"{c['check_id']} {c['resource']} {c['check_name']}" for c in failed)
    assert not failed, f"bootstrap: {len(failed)} failed checkov checks:\n{summary}"


def test_spec_policies_bite_on_a_bad_plan(
    workspace: Workspace,
    broken_prod: tuple[Plan, Path],  # noqa: F811
) -> None:
    plan, root = broken_prod
    results = scan(Model(plan, root_dir=root), workspace.root, plan.json_path.parent)
    failed = {(c["check_id"], c["resource"]) for c in results["failed_checks"]}
    expected = {
        ("CKV_TT_1", "module.data.aws_db_instance.this"),
        ("CKV_TT_2", "aws_elasticache_replication_group.negative_single"),
        ("CKV_TT_3", "aws_vpc_security_group_ingress_rule.negative_open_database"),
        ("CKV_TT_4", "aws_ecs_service.negative_public"),
        ("CKV_TT_5", "aws_cloudfront_distribution.negative_weak"),
        ("CKV_TT_6", "aws_db_proxy.negative_plain"),
        ("CKV_TT_7", "aws_iam_user.negative_ci"),
        ("CKV_TT_8", "aws_sqs_queue.negative_plain"),
        ("CKV_TT_9", "aws_ecs_task_definition.negative_writable"),
        ("CKV2_TT_1", "aws_s3_bucket.negative_open"),
    }
    assert expected <= failed, f"policies that did not fire: {sorted(expected - failed)}"
