"""Checks of the Terraform under infra/ (run with ``pytest infra/tests``)."""

import sys
from pathlib import Path

import pytest

# The helpers (terraform.py, spec_rules.py, ...) are imported as top-level modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plans import ENVIRONMENTS, Plan, make_plan
from terraform import Workspace, roots, terraform_binary


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of infra/ with every root and module initialised against the stand-ins."""
    created = Workspace.create(terraform_binary(), tmp_path_factory.mktemp("terraform"))
    created.init_all(sorted(roots()))
    return created


@pytest.fixture(scope="session")
def env_plans(workspace: Workspace) -> dict[str, Plan]:
    """The first plan of every environment (plans.py), made once per session."""
    return {env: make_plan(workspace, env) for env in ENVIRONMENTS}
