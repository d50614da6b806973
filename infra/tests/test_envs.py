"""The spec's rules on each environment's plan (infra/envs/<env> with its terraform.tfvars).

Each environment is planned once per session by the real Terraform against the stand-in
(conftest.py `env_plans`, plans.py); every rule in spec_rules.RULES must report no violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plans import ENVIRONMENTS, Plan
from spec_rules import RULES, Model

# The plans take minutes on a loaded machine: the first test that needs one waits for it.
pytestmark = pytest.mark.timeout(1800)

ENVS_DIR = Path(__file__).resolve().parents[1] / "envs"

_models: dict[str, Model] = {}


def model_of(env_plans: dict[str, Plan], env: str) -> Model:
    if env not in _models or _models[env].plan is not env_plans[env]:
        _models[env] = Model(env_plans[env])
    return _models[env]


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_spec_rule(env_plans: dict[str, Plan], env: str, rule: str) -> None:
    violations = RULES[rule](model_of(env_plans, env))
    assert not violations, "\n".join(violations)


def test_only_tfvars_differ_between_environments() -> None:
    """DESIGN.md section 7: environments differ only in tfvars; their .tf files are the same."""

    def tf_set(path: Path) -> dict[str, str]:
        return {f.name: f.read_text() for f in sorted(path.glob("*.tf"))}

    names = [e for e in ENVIRONMENTS if (ENVS_DIR / e).is_dir()]
    assert len(names) == len(ENVIRONMENTS), (
        f"missing environments: {set(ENVIRONMENTS) - set(names)}"
    )
    base = tf_set(ENVS_DIR / names[0])
    for other in names[1:]:
        current = tf_set(ENVS_DIR / other)
        differing = sorted(k for k in set(base) | set(current) if base.get(k) != current.get(k))
        assert not differing, (
            f"{names[0]} and {other} differ in {differing}; keep differences in terraform.tfvars"
        )
