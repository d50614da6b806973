"""Dev/prod parity (ADR 0102): the local servers run the engines and versions the Terraform
gives AWS.

The Terraform variable defaults are the one place that names each version: `engine_version`
of `infra/modules/data` (RDS PostgreSQL) and `engine`/`engine_version` of `infra/modules/cache`
(ElastiCache). These tests read them with python-hcl2 and ask the binaries the local stack
runs (`postgres --version`, `valkey-server --version`, honouring PG_BIN / VALKEY_SERVER_BIN)
what they are, and fail when the two drift: at the precision the Terraform states (`18` is a
major; `9.1` is major.minor, whose commands differ from 9.0's).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import hcl2
import pytest

from taskapp_ops.services import binary_version, postgres_binary, valkey_server_binary

ROOT = Path(__file__).resolve().parents[2]
DATA_VARIABLES = ROOT / "infra" / "modules" / "data" / "variables.tf"
CACHE_VARIABLES = ROOT / "infra" / "modules" / "cache" / "variables.tf"
ENVS = ROOT / "infra" / "envs"


def terraform_default(variables_tf: Path, name: str) -> str:
    """The default of variable `name`, as the string Terraform sees."""
    with variables_tf.open() as handle:
        doc = hcl2.load(handle)
    for block in doc.get("variable", []):
        for label, body in block.items():
            if label.strip('"') == name:  # python-hcl2 keeps the quotes of labels and strings
                default = body.get("default")
                assert isinstance(default, str), f"{variables_tf}: {name} has no string default"
                return default.strip('"')
    raise AssertionError(f"{variables_tf} declares no variable {name!r}")


def same_version(terraform: str, local: str) -> bool:
    """`local` (the binary's full version) matches `terraform` at the precision it is given."""
    wanted = terraform.split(".")
    return local.split(".")[: len(wanted)] == wanted


def version_output(binary: Path) -> str:
    return subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout


@pytest.mark.parametrize(
    ("terraform", "local", "same"),
    [
        ("18", "18.6", True),
        ("18", "17.4", False),
        ("18.1", "18.6", False),
        ("9.1", "9.1.2", True),
        ("9.1", "9.0.3", False),
        ("9.0", "8.0.2", False),
    ],
)
def test_versions_compare_at_the_terraform_precision(
    terraform: str, local: str, same: bool
) -> None:
    assert same_version(terraform, local) is same


def test_local_postgres_is_the_rds_major() -> None:
    rds = terraform_default(DATA_VARIABLES, "engine_version")
    binary = postgres_binary()
    assert "(PostgreSQL)" in version_output(binary), binary
    local = binary_version(binary)
    assert same_version(rds, local), (
        f"Local PostgreSQL {local} ({binary}) differs from the RDS engine_version {rds!r} "
        f"({DATA_VARIABLES.relative_to(ROOT)}): move both together (ADR 0102)."
    )


def test_local_cache_is_the_elasticache_engine_and_version() -> None:
    engine = terraform_default(CACHE_VARIABLES, "engine")
    elasticache = terraform_default(CACHE_VARIABLES, "engine_version")
    binary = valkey_server_binary()
    output = version_output(binary)
    assert engine == "valkey" and output.startswith("Valkey server"), (
        f"ElastiCache runs {engine!r}; the local cache server is: {output.strip()}"
    )
    local = binary_version(binary)
    assert same_version(elasticache, local), (
        f"Local valkey-server {local} ({binary}) differs from the ElastiCache engine_version "
        f"{elasticache!r} ({CACHE_VARIABLES.relative_to(ROOT)}): move both together (ADR 0102)."
    )


def test_drift_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A local server of another major (here a stand-in `postgres` 17) fails the comparison."""
    fake = tmp_path / "postgres"
    fake.write_text("#!/bin/sh\necho 'postgres (PostgreSQL) 17.4'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    assert binary_version(postgres_binary()) == "17.4"
    assert not same_version(terraform_default(DATA_VARIABLES, "engine_version"), "17.4")


@pytest.mark.parametrize("env", sorted(p.name for p in ENVS.iterdir() if (p / "main.tf").exists()))
def test_environments_keep_the_module_defaults(env: str) -> None:
    """No environment root pins an engine version of its own: the module defaults are the one
    place (a root that needs another version changes this test and ADR 0102 with it)."""
    pinned = []
    for path in sorted((ENVS / env).glob("*.tf*")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            literal = re.search(r'engine_version\s*=\s*(?:optional\([^,]+,\s*)?"', code)
            if literal:
                pinned.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert pinned == []
