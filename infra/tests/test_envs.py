"""The spec's rules on each evaluated environment (infra/envs/<env> with its terraform.tfvars).

Each environment is evaluated once by tfparse (variables, locals, module calls, count/for_each);
every rule in spec_rules.RULES must report no violation. Environments not written yet are
skipped with the reason, never passed.
"""

from __future__ import annotations

from functools import cache

import pytest
from spec_rules import RULES
from tfeval import Env, env_dirs, env_ready, evaluate

ENVS = env_dirs()


@cache
def evaluated(name: str) -> Env:
    return evaluate(ENVS[name], name)


def _env_or_skip(name: str) -> Env:
    reason = env_ready(ENVS[name])
    if reason:
        pytest.skip(reason)
    return evaluated(name)


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("env_name", list(ENVS))
def test_spec_rule(env_name, rule):
    env = _env_or_skip(env_name)
    violations = RULES[rule](env)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("env_name", list(ENVS))
def test_environment_evaluates_to_resources(env_name):
    env = _env_or_skip(env_name)
    modules = env.of_kind("module")
    assert modules, f"{env_name}: no module calls"
    assert len(env.types()) > 30, f"{env_name}: only {len(env.types())} resource types evaluated"


def test_only_tfvars_differ_between_environments():
    """DESIGN.md section 7: environments differ only in tfvars; their .tf files are the same."""
    ready = {n: p for n, p in ENVS.items() if env_ready(p) is None}
    if len(ready) < 2:
        pytest.skip("fewer than two environments written yet")

    def tf_set(p):
        return {f.name: f.read_text() for f in sorted(p.glob("*.tf")) if f.name != "backend.tf"}

    names = sorted(ready)
    base = tf_set(ready[names[0]])
    for other in names[1:]:
        current = tf_set(ready[other])
        differing = sorted(k for k in set(base) | set(current) if base.get(k) != current.get(k))
        # The backend block names the environment's state key, so backend config may differ.
        assert all(k.startswith(("backend", "versions")) for k in differing) or not differing, (
            f"{names[0]} and {other} differ in {differing}; keep differences in terraform.tfvars"
        )
