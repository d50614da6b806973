"""File discovery and HCL parsing for the checks of how the Terraform is written
(test_module_layout.py, test_provider_v6_habits.py, test_workflow.py).

What the Terraform means is checked by the real binary (terraform.py, plans.py): this module no
longer evaluates anything (the tfparse evaluation it held is retired, ADR 0063). Parsing uses
python-hcl2 (pure Python; keeps blocks apart from attributes with ``__is_block__``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import hcl2

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
ENV_NAMES = ("dev", "stage", "prod")
SKIP_DIRS = {".terraform", "node_modules", "__pycache__"}


def tf_files(root: Path = INFRA, suffix: str = ".tf") -> list[Path]:
    return sorted(
        p
        for p in root.rglob(f"*{suffix}")
        if not SKIP_DIRS.intersection(p.relative_to(root).parts) and p.is_file()
    )


def modules(root: Path = INFRA) -> list[Path]:
    """Every Terraform module folder under infra/modules (plus infra/bootstrap if present)."""
    found = [p for p in sorted((root / "modules").glob("*")) if p.is_dir() and any(p.glob("*.tf"))]
    if (root / "bootstrap").is_dir() and any((root / "bootstrap").glob("*.tf")):
        found.append(root / "bootstrap")
    return found


def env_dirs(root: Path = INFRA) -> dict[str, Path]:
    return {name: root / "envs" / name for name in ENV_NAMES}


def env_ready(path: Path) -> str | None:
    """None when the environment can be evaluated, else the reason to skip."""
    rel = path.relative_to(path.parents[2]) if len(path.parents) > 2 else path
    if not path.is_dir() or not any(path.glob("*.tf")):
        return f"{rel} not written yet"
    if not (path / "terraform.tfvars").exists():
        return f"{rel}/terraform.tfvars not written yet"
    return None


@functools.cache
def parse(path: Path) -> dict:
    with path.open() as fh:
        return hcl2.load(fh)


def unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def iter_blocks(doc: dict, kind: str) -> Iterator[tuple[str, str, dict]]:
    """Yield (type, name, body) for ``resource``/``data`` blocks of a parsed file."""
    for entry in doc.get(kind, []):
        for rtype, named in entry.items():
            for name, body in named.items():
                if name == "__is_block__":
                    continue
                yield unquote(rtype), unquote(name), body
