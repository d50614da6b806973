"""The user's first plan of each environment, made by the real Terraform against the stand-in."""

from __future__ import annotations

import json

import pytest
from plans import ENVIRONMENTS, Plan

pytestmark = [pytest.mark.usefixtures("workspace"), pytest.mark.timeout(1800)]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_first_plan_creates_the_environment(env_plans: dict[str, Plan], env: str) -> None:
    plan = env_plans[env]
    actions = {
        tuple(c["change"]["actions"]) for c in plan.changes.values() if c["mode"] == "managed"
    }
    assert actions == {("create",)}, f"{env}: a first plan should only create, got {actions}"
    assert len(plan.changes) > 150, f"{env}: only {len(plan.changes)} resources planned"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_secret_in_plan(env_plans: dict[str, Plan], env: str) -> None:
    """Write-only arguments stay out of the plan; ephemeral values are never written."""
    plan = env_plans[env]
    for change in plan.changes.values():
        after = change["change"].get("after") or {}
        for key, value in after.items():
            if key.endswith("_wo"):
                assert value is None, f"{change['address']}.{key} is in the plan"
    text = plan.json_path.read_text()
    assert '"ephemeral.' not in text.replace('"ephemeral.random_password', ""), (
        "an ephemeral resource's value appears in the plan"
    )


def test_environments_differ_as_designed(env_plans: dict[str, Plan]) -> None:
    """dev is cheap (one NAT gateway, single-AZ database), prod is the spec in full."""
    nat = {env: len(env_plans[env].of_type("aws_nat_gateway")) for env in ENVIRONMENTS}
    assert nat["dev"] == 1 and nat["prod"] == 3, nat
    db = {env: env_plans[env].of_type("aws_db_instance")[0]["values"] for env in ENVIRONMENTS}
    assert db["dev"]["multi_az"] is False and db["prod"]["multi_az"] is True, json.dumps(
        {e: db[e].get("multi_az") for e in db}
    )
    assert db["prod"]["deletion_protection"] is True
