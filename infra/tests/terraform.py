"""Runs the real Terraform binary, offline, against the stand-in providers.

A workspace is a copy of infra/ in a temporary directory (so `.terraform/` and lock files never
land in the repository and parallel runs cannot collide) with a plugin directory holding the
stand-ins for hashicorp/aws and hashicorp/random. `terraform init -plugin-dir` installs them
like any provider; every command after that talks to them over the plugin protocol.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
STANDIN = INFRA / "tests" / "provider_standin"
STANDIN_PYTHON = Path(
    os.environ.get("STANDIN_PYTHON", REPO / ".tools" / "standin" / "bin" / "python")
)
COMMAND_TIMEOUT = 600

INSTALL_HELP = (
    "Terraform >= 1.11 is needed for the infrastructure checks and no package registry ships it. "
    "Install it from https://developer.hashicorp.com/terraform/install (for example the "
    "terraform_1.11.4_linux_amd64.zip release: unzip it into a directory on PATH), or set "
    "TERRAFORM_PATH to the binary."
)


def terraform_binary() -> str:
    """The binary from TERRAFORM_PATH or PATH. Without one the checks skip, saying how to
    install it; with TERRAFORM_REQUIRED=1 (.ci/run sets it) they fail instead."""
    path = os.environ.get("TERRAFORM_PATH") or shutil.which("terraform")
    if path and Path(path).exists():
        return path
    if os.environ.get("TERRAFORM_REQUIRED") == "1":
        pytest.fail(f"TERRAFORM_REQUIRED=1 but no terraform binary was found. {INSTALL_HELP}")
    pytest.skip(INSTALL_HELP)


def roots() -> dict[str, Path]:
    """Every directory Terraform runs in: the environments, the bootstrap and every module,
    keyed by their path under infra/."""
    found = [
        *sorted((INFRA / "envs").iterdir()),
        INFRA / "bootstrap",
        *sorted((INFRA / "modules").iterdir()),
    ]
    return {str(p.relative_to(INFRA)): p for p in found if p.is_dir() and any(p.glob("*.tf"))}


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def check(self) -> Result:
        assert self.returncode == 0, (
            f"terraform {' '.join(self.args)} exited {self.returncode}\n{self.output}"
        )
        return self


@dataclass
class Workspace:
    binary: str
    root: Path
    plugins: Path
    env: dict[str, str] = field(default_factory=dict)
    init_results: dict[str, Result] = field(default_factory=dict)
    pending: dict[str, Future[Result]] = field(default_factory=dict)
    pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    )

    @classmethod
    def create(cls, binary: str, base: Path) -> Workspace:
        if not STANDIN_PYTHON.exists():
            pytest.fail(
                f"The stand-in provider's Python ({STANDIN_PYTHON}) is missing: run `make standin` "
                "(make test does it)."
            )
        shutil.copytree(
            INFRA,
            base / "infra",
            ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "__pycache__"),
        )
        for root in (base / "infra").rglob("*.tf"):
            # Plans need a backend; the environments' S3 backend needs AWS. In the copy only,
            # an override file swaps it for a local one (the user's own runs keep S3).
            if re.search(r'^\s*backend\s+"', root.read_text(), re.MULTILINE):
                (root.parent / "backend_override.tf").write_text(
                    'terraform {\n  backend "local" {}\n}\n'
                )
        plugins = base / "plugins"
        subprocess.run(
            [
                str(STANDIN_PYTHON),
                str(STANDIN / "install.py"),
                str(plugins),
                "--python",
                str(STANDIN_PYTHON),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        cli_config = base / "terraformrc"
        cli_config.write_text("# offline: providers come from -plugin-dir only\n")
        env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "STANDIN_CACHE_DIR": str(REPO / ".tools" / "standin-cache"),
            "NO_COLOR": "1",
        }
        env.pop("TF_PLUGIN_CACHE_DIR", None)
        return cls(binary=binary, root=base / "infra", plugins=plugins, env=env)

    def run(self, directory: str | Path, *args: str, timeout: int = COMMAND_TIMEOUT) -> Result:
        cwd = directory if isinstance(directory, Path) else self.root / directory
        completed = subprocess.run(
            [self.binary, *args],
            cwd=cwd,
            env={**self.env, "STANDIN_TYPES_FILE": str(self.types_file(cwd))},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(list(args), completed.returncode, completed.stdout, completed.stderr)

    def types_file(self, directory: Path) -> Path:
        """The resource, data source and ephemeral types a root and the local modules it calls
        use: the stand-in serves only those (see provider_standin/README.md)."""
        listing = self.root.parent / "types" / f"{abs(hash(str(directory)))}.txt"
        if not listing.exists():
            listing.parent.mkdir(parents=True, exist_ok=True)
            listing.write_text("\n".join(sorted(used_types(directory))) + "\n")
        return listing

    def init(self, directory: str | Path) -> Result:
        result = self.run(
            directory,
            "init",
            "-input=false",
            "-no-color",
            f"-plugin-dir={self.plugins}",
        )
        return result

    def init_all(self, directories: list[str]) -> None:
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            self.init_results.update(
                zip(directories, pool.map(self.init, directories), strict=True)
            )

    def submit(self, key: str, directory: str | Path, *args: str) -> None:
        """Starts a command in the background (one per core: Terraform on the AWS schema is
        CPU-bound), so tests collect results that were computed while others ran."""
        self.pending[key] = self.pool.submit(self.run, directory, *args)

    def result(self, key: str) -> Result:
        return self.pending[key].result()


TYPE_DECLARATION = re.compile(
    r"\b(?:resource|data|ephemeral|mock_resource|mock_data|override_resource|override_data)"
    r'\s+"([a-z][a-z0-9_]*)"'
)
LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.{1,2}/[^"]+)"')


def used_types(directory: Path) -> set[str]:
    """Every type named in a directory's .tf and .tftest.hcl files (tests/ included) and in
    the local modules they call, followed transitively."""
    seen: set[Path] = set()
    types: set[str] = set()
    pending = [directory.resolve()]
    while pending:
        current = pending.pop()
        if current in seen or not current.is_dir():
            continue
        seen.add(current)
        for path in [
            *current.glob("*.tf"),
            *current.glob("tests/**/*.tf"),
            *current.glob("tests/**/*.tftest.hcl"),
            *current.glob("*.tftest.hcl"),
        ]:
            text = path.read_text()
            types.update(TYPE_DECLARATION.findall(text))
            pending.extend(
                (path.parent / source).resolve() for source in LOCAL_SOURCE.findall(text)
            )
    return types


def uses_waf(directory: Path) -> bool:
    return any(t.startswith("aws_wafv2_") for t in used_types(directory))


def scratch_root(workspace: Workspace, name: str, files: dict[str, str]) -> Path:
    """A small root next to the copied tree, for the negative checks."""
    directory = workspace.root.parent / "scratch" / name
    directory.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory
