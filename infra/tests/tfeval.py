"""Helpers shared by the offline Terraform checks: file discovery, parsing, evaluation.

Parsing uses python-hcl2 (pure Python; keeps blocks apart from attributes with ``__is_block__``
and keeps ``dynamic`` blocks and comments, which the schema check and the skip check need).
Evaluation uses tfparse (cloud-custodian's binding of the Trivy/defsec Terraform evaluator):
it loads an environment root with its tfvars, follows local module calls, expands
``count``/``for_each``, evaluates variables, locals and functions, and turns every reference to
another block into that block's id, so relations (this SG allows that SG) can be followed.
Both work offline; neither needs a terraform binary or provider plugins.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


# --------------------------------------------------------------------------- evaluation


@dataclass
class Block:
    type: str
    kind: str  # resource | data | module | provider | ...
    path: str
    attrs: dict = field(repr=False)

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)

    def nested(self, *keys: str) -> list[dict]:
        """Nested blocks along ``keys`` (each level may hold one dict or a list of dicts)."""
        level = [self.attrs]
        for key in keys:
            level = [
                item
                for parent in level
                for item in as_list(parent.get(key))
                if isinstance(item, dict)
            ]
        return level


# Resources whose `.id` is their name: tfparse sometimes resolves `x.id` to that name.
NAME_ATTRIBUTE = {"aws_s3_bucket": "bucket"}


class Env:
    """An environment root evaluated by tfparse."""

    def __init__(self, name: str, raw: dict):
        self.name = name
        self.raw = raw
        self.blocks: list[Block] = []
        for btype, items in raw.items():
            for attrs in items:
                meta = attrs.get("__tfmeta", {})
                kind = meta.get("type") or btype
                self.blocks.append(Block(btype, kind, meta.get("path", btype), attrs))
        self.by_id = {b.id: b for b in self.blocks if b.id}
        self.by_name: dict[str, list[Block]] = {}
        for b in self.blocks:
            key = NAME_ATTRIBUTE.get(b.type) if b.kind == "resource" else None
            value = b.attrs.get(key) if key else None
            if isinstance(value, str) and "${" not in value:
                self.by_name.setdefault(value, []).append(b)

    def resources(self, *types: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == "resource" and b.type in types]

    def data(self, *types: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == "data" and b.type in types]

    def of_kind(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]

    def ref(self, value: Any, near: Block | None = None) -> Block | None:
        """The block a reference points to.

        tfparse turns most references into the target's id; a few it leaves as
        ``{"__attribute__": "aws_x.name[.[0]].attr"}`` - those are looked up by address in the
        module of ``near`` (or anywhere, when the address is unique).
        """
        if isinstance(value, str):
            if value in self.by_id:
                return self.by_id[value]
            # tfparse sometimes yields the target's evaluated name for `.id` (S3: the bucket name).
            named = self.by_name.get(value, [])
            return named[0] if len(named) == 1 else None
        if isinstance(value, dict) and isinstance(value.get("__attribute__"), str):
            m = re.match(
                r"^(data\.)?(aws_\w+)\.([\w-]+)(?:\.\[(\d+|\"[^\"]*\")\])?", value["__attribute__"]
            )
            if not m:
                return None
            kind = "data" if m.group(1) else "resource"
            index = f"[{m.group(4)}]" if m.group(4) else ""
            suffix = f"{'data.' if kind == 'data' else ''}{m.group(2)}.{m.group(3)}{index}"
            prefix = (
                near.path.rsplit(".", 2 if near.kind == "resource" else 3)[0] + "."
                if near and near.path.startswith("module.")
                else ""
            )
            candidates = [
                b
                for b in self.blocks
                if b.kind == kind
                and b.type == m.group(2)
                and (b.path == prefix + suffix or (not prefix and b.path.endswith("." + suffix)))
            ]
            return candidates[0] if len(candidates) == 1 else None
        return None

    def refs(self, values: Any, near: Block | None = None) -> list[Block]:
        return [b for b in (self.ref(v, near) for v in as_list(values)) if b is not None]

    def types(self) -> set[str]:
        return {b.type for b in self.blocks if b.kind == "resource"}


# Offline stand-ins for the data sources whose values only AWS knows, like terraform test's
# mock_data: applied to a temporary copy of infra/ before evaluation.
ACCOUNT_STUB = "123456789012"
DATA_STUBS = (
    (
        r"data\.aws_availability_zones\.[\w-]+\.names",
        '["{region}a", "{region}b", "{region}c", "{region}d"]',
    ),
    (r"data\.aws_availability_zones\.[\w-]+\.zone_ids", '["az1", "az2", "az3", "az4"]'),
    (r"data\.aws_region\.[\w-]+\.(?:region|name)\b", '"{region}"'),
    (r"data\.aws_caller_identity\.[\w-]+\.account_id", f'"{ACCOUNT_STUB}"'),
    (r"data\.aws_partition\.[\w-]+\.partition", '"aws"'),
    (r"data\.aws_partition\.[\w-]+\.dns_suffix", '"amazonaws.com"'),
)


def _region_of(env_path: Path) -> str:
    tfvars = env_path / "terraform.tfvars"
    if tfvars.exists():
        values = parse(tfvars)
        for key in ("region", "aws_region", "primary_region"):
            if isinstance(values.get(key), str):
                return unquote(values[key])
    return "us-east-1"


def stub_data_sources(root: Path, region: str) -> None:
    for path in root.rglob("*.tf"):
        text = original = path.read_text()
        for pattern, replacement in DATA_STUBS:
            text = re.sub(pattern, replacement.replace("{region}", region), text)
        if text != original:
            path.write_text(text)


def evaluate(env_path: Path, name: str | None = None, stub: bool = True) -> Env:
    """Evaluate an environment root (``<infra>/envs/<name>``) with its terraform.tfvars.

    With ``stub`` (the default) the evaluation runs on a temporary copy of the enclosing infra/
    folder in which data sources AWS would answer (AZ names, region, account id, partition) are
    replaced by fixed stand-ins, so for_each over AZs expands as it would in a real plan.
    """
    import tfparse  # imported here so parse-only tests do not need the compiled extension

    env_path = env_path.resolve()
    if not stub:
        raw = tfparse.load_from_path(str(env_path), vars_paths=["terraform.tfvars"])
        return Env(name or env_path.name, raw)
    infra_root = env_path.parents[1]  # <infra>/envs/<name> -> <infra>
    with tempfile.TemporaryDirectory(prefix="tfeval-") as tmp:
        copy = Path(tmp) / "infra"
        shutil.copytree(
            infra_root,
            copy,
            ignore=shutil.ignore_patterns(
                ".terraform", "tests", "schema", "policies", "__pycache__", "*.tfstate*"
            ),
        )
        stub_data_sources(copy, _region_of(env_path))
        target = copy / env_path.relative_to(infra_root)
        raw = tfparse.load_from_path(str(target), vars_paths=["terraform.tfvars"])
    return Env(name or env_path.name, raw)


def strings(value: Any) -> Iterable[str]:
    """Every string inside a nested value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "__tfmeta":
                yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
