"""Checks of the Terraform under infra/ (run with ``pytest infra/tests``)."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers (terraform.py, spec_rules.py, ...) are imported as top-level modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plans import ENVIRONMENTS, Plan, make_plan, submit_plan
from terraform import Workspace, roots, terraform_binary, uses_waf


@pytest.fixture(scope="session")
def workspace(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Workspace]:
    """A copy of infra/ with every root and module initialised against the stand-ins, and the
    slow commands the selected tests need already running in the background."""
    created = Workspace.create(terraform_binary(), tmp_path_factory.mktemp("terraform"))
    every_root = roots()
    created.init_all(sorted(every_root))
    selected = [
        (item.originalname, getattr(item, "callspec", None)) for item in request.session.items
    ]
    wanted = {
        (name, spec.params.get("root"))
        for name, spec in selected
        if spec is not None and "root" in spec.params
    }
    # The slowest first (the environments and the edge module carry the WAFv2 schema), so
    # both cores stay busy while the tests read the results.
    heavy = sorted(every_root, key=lambda name: (not uses_waf(every_root[name]), name))
    if any("env_plans" in item.fixturenames for item in request.session.items):
        for env in ENVIRONMENTS:
            submit_plan(created, env)
    for name in heavy:
        if ("test_terraform_test", name) in wanted:
            created.submit(f"test {name}", name, "test", "-no-color")
    for name in heavy:
        if ("test_validate", name) in wanted:
            created.submit(f"validate {name}", name, "validate", "-no-color")
    yield created
    created.pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="session")
def env_plans(workspace: Workspace) -> dict[str, Plan]:
    """The first plan of every environment (plans.py), made once per session."""
    return {env: make_plan(workspace, env) for env in ENVIRONMENTS}
