"""Full plans of the environments against the stand-in, read back with `terraform show -json`.

This is the user's first `terraform plan` in an empty account: computed attributes are unknown,
write-only attributes null, data sources answered with values of the right shape. Values that
only exist in the user's account come from PLAN_VARIABLES (never from the repository's tfvars).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from terraform import Workspace

ENVIRONMENTS = ("dev", "stage", "prod")

# What a user supplies outside the committed tfvars (TF_VAR_... or -var): a real inbox.
PLAN_VARIABLES: dict[str, list[str]] = {
    "dev": [],
    "stage": ["-var", 'alarm_email_addresses=["ops@example.com"]'],
    "prod": ["-var", 'alarm_email_addresses=["ops@example.com"]'],
}


@dataclass
class Plan:
    env: str
    json_path: Path
    document: dict[str, Any]

    @cached_property
    def resources(self) -> list[dict[str, Any]]:
        """Every planned resource (managed and data), from every module."""
        found: list[dict[str, Any]] = []

        def walk(module: dict[str, Any]) -> None:
            found.extend(module.get("resources", []))
            for child in module.get("child_modules", []):
                walk(child)

        walk(self.document.get("planned_values", {}).get("root_module", {}))
        return found

    @cached_property
    def changes(self) -> dict[str, dict[str, Any]]:
        """resource_changes by address: `after` (known values) and `after_unknown`."""
        return {c["address"]: c for c in self.document.get("resource_changes", [])}

    def of_type(self, resource_type: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == resource_type and r["mode"] == "managed"]


def plan_args(env: str) -> list[str]:
    return ["plan", "-refresh=false", "-no-color", "-out=first.tfplan", *PLAN_VARIABLES[env]]


def submit_plan(workspace: Workspace, env: str) -> None:
    workspace.submit(f"plan envs/{env}", f"envs/{env}", *plan_args(env))


def make_plan(workspace: Workspace, env: str) -> Plan:
    directory = f"envs/{env}"
    workspace.init_results[directory].check()
    key = f"plan {directory}"
    if key in workspace.pending:
        planned = workspace.result(key)
    else:
        planned = workspace.run(directory, *plan_args(env))
    planned.check()
    shown = workspace.run(directory, "show", "-json", "first.tfplan").check()
    json_path = workspace.root.parent / "plans" / f"{env}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(shown.stdout)
    return Plan(env=env, json_path=json_path, document=json.loads(shown.stdout))
