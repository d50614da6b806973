"""Every module follows the repository's Terraform layout (STYLE.md, DESIGN.md section 7)."""

from __future__ import annotations

import re

import pytest
from tfeval import INFRA, env_dirs, env_ready, modules, parse, unquote

MODULES = modules()
IDS = [str(m.relative_to(INFRA)) for m in MODULES]
REQUIRED_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _lower_bound(constraint: str) -> tuple[int, ...] | None:
    m = re.search(r"(?:>=|~>)\s*([\d.]+)", constraint)
    return _version_tuple(m.group(1)) if m else None


def _terraform_block(folder):
    for path in sorted(folder.glob("*.tf")):
        yield from parse(path).get("terraform", [])


def _names(folder, kind: str) -> list[tuple[str, dict]]:
    return [
        (unquote(name), body)
        for path in sorted(folder.glob("*.tf"))
        for entry in parse(path).get(kind, [])
        for name, body in entry.items()
    ]


def test_modules_discovered():
    assert {"security", "observability", "backup", "cost"} <= {m.name for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_standard_files(module):
    missing = [f for f in REQUIRED_FILES if not (module / f).exists()]
    assert not missing, f"{module.name}: missing {missing}"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_versions_lower_bounds(module):
    blocks = list(_terraform_block(module))
    assert blocks, "no terraform {} block"
    tf = blocks[0]
    assert _lower_bound(unquote(tf.get("required_version", ""))) >= (1, 11), (
        "Terraform >= 1.11 required"
    )
    providers = {
        k: v
        for entry in tf.get("required_providers", [])
        for k, v in entry.items()
        if k != "__is_block__"
    }
    assert "aws" in providers, "aws provider not declared"
    bound = _lower_bound(unquote(providers["aws"].get("version", "")))
    assert bound is not None and bound >= (6, 21), "aws provider lower bound must be >= 6.21"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_variables_typed_and_described(module):
    bad = [
        n
        for n, body in _names(module, "variable")
        if not body.get("description") or "type" not in body
    ]
    assert not bad, f"variables without description or type: {bad}"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_outputs_described(module):
    bad = [n for n, body in _names(module, "output") if not body.get("description")]
    assert not bad, f"outputs without description: {bad}"


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_readme_documents_inputs_and_outputs(module):
    text = (module / "README.md").read_text()
    assert "<!-- BEGIN_TF_DOCS -->" in text and "<!-- END_TF_DOCS -->" in text, (
        "terraform-docs markers missing"
    )
    section = text.split("<!-- BEGIN_TF_DOCS -->", 1)[1].split("<!-- END_TF_DOCS -->", 1)[0]
    names = [n for n, _ in _names(module, "variable")] + [n for n, _ in _names(module, "output")]
    missing = [n for n in names if not re.search(rf"\b{re.escape(n)}\b", section)]
    assert not missing, (
        f"README tables lack {missing}: regenerate (python infra/tests/tfdocs.py {module.relative_to(INFRA.parent)})"
    )


@pytest.mark.parametrize(
    "module",
    [m for m in MODULES if m.parent.name == "modules"],
    ids=[i for m, i in zip(MODULES, IDS, strict=True) if m.parent.name == "modules"],
)
def test_tftest_with_mock_provider(module):
    tests = sorted((module / "tests").glob("*.tftest.hcl"))
    assert tests, "tests/<module>.tftest.hcl missing"
    text = "\n".join(t.read_text() for t in tests)
    doc = [parse(t) for t in tests]
    assert re.search(r'mock_provider\s+"aws"', text), 'mock_provider "aws" missing'
    runs = [
        body
        for d in doc
        for entry in d.get("run", [])
        for body in entry.values()
        if isinstance(body, dict)
    ]
    assert runs, "no run block"
    assert any(unquote(str(r.get("command", ""))) == "plan" for r in runs), (
        "no `command = plan` run"
    )
    assert all(r.get("assert") or r.get("expect_failures") for r in runs), (
        "every run needs an assert or expect_failures"
    )


ACCOUNT_ID = re.compile(r"(?<![\d.])\d{12}(?![\d.])")
REGION = re.compile(r'"((?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?[a-z]+-\d)"')


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_no_hard_coded_accounts_or_regions(module):
    """Modules take account and region from the provider; us-east-1 is allowed for the
    resources AWS pins there (CloudFront's certificate and WAF, CloudFront metrics)."""
    problems = []
    for path in sorted(module.glob("*.tf")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip().startswith(("#", "//")):
                continue
            if ACCOUNT_ID.search(line):
                problems.append(f"{path.name}:{n}: account id? {line.strip()}")
            for region in REGION.findall(line):
                if region != "us-east-1":
                    problems.append(f"{path.name}:{n}: hard-coded region {region}")
    assert not problems, "\n".join(problems)


ENVS = env_dirs()


@pytest.mark.parametrize("env", list(ENVS), ids=list(ENVS))
def test_environment_root(env):
    path = ENVS[env]
    reason = env_ready(path)
    if reason:
        pytest.skip(reason)
    blocks = list(_terraform_block(path))
    assert blocks, "no terraform {} block"
    tf = blocks[0]
    assert _lower_bound(unquote(tf.get("required_version", ""))) >= (1, 11)
    providers = {
        k: v
        for entry in tf.get("required_providers", [])
        for k, v in entry.items()
        if k != "__is_block__"
    }
    assert re.fullmatch(
        r"~>\s*6\.(2[1-9]|[3-9]\d)(\.\d+)?", unquote(providers["aws"]["version"])
    ), "environments pin the AWS provider as ~> 6.21 (or a later 6.x minor)"
    backends = [b for t in blocks for entry in t.get("backend", []) for b in entry.items()]
    assert backends, "backend block missing"
    s3 = [body for name, body in backends if unquote(name) == "s3"]
    assert s3 and s3[0].get("use_lockfile") is True, (
        "S3 backend with use_lockfile = true (native locking)"
    )
