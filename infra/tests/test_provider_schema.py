"""Every resource, data source, argument and nested block used under infra/ exists in the AWS
provider v6 schema, and every required argument and block is present.

The schema is ``infra/schema/aws-provider-schema.json``, generated from the provider's own schema
as shipped in the prebuilt CDKTF bindings (see ``infra/schema/generate.py``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from tfeval import INFRA, iter_blocks, parse, tf_files, unquote

SCHEMA_FILE = INFRA / "schema" / "aws-provider-schema.json"
META_ARGS = {
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
    "provisioner",
    "connection",
}
IGNORED_KEYS = {
    "__is_block__",
    "__comments__",
    "__inline_comments__",
    "__start_line__",
    "__end_line__",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text())


def _is_block(value) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and v.get("__is_block__") for v in value)
    )


def _check_dynamic(value: list, blocks: dict, where: str, present: set[str]) -> list[str]:
    """`dynamic "x" { content { ... } }`: x must be a block of this schema; check its content."""
    errors: list[str] = []
    for entry in value:
        for label, dyn in entry.items():
            if label == "__is_block__":
                continue
            name = unquote(label)
            present.add(name)
            if name not in blocks:
                errors.append(f"{where}: dynamic block `{name}` is not a block of this schema")
                continue
            nested = blocks[name][1]
            for content in dyn.get("content", []):
                if nested is not None:
                    errors += check_body(content, nested, f"{where}.{name}")
    return errors


def _check_required(attrs: dict, blocks: dict, present: set[str], where: str) -> list[str]:
    errors = [
        f"{where}: required argument `{name}` missing"
        for name, required in attrs.items()
        if required and name not in present
    ]
    errors += [
        f"{where}: required block `{name}` missing"
        for name, (required, _) in blocks.items()
        if required and name not in present
    ]
    return errors


def check_body(body: dict, spec: dict, where: str, top: bool = False) -> list[str]:
    """Compare one HCL block body with its schema BLOCK ({"a": {...}, "b": {...}})."""
    errors: list[str] = []
    attrs, blocks = spec.get("a", {}), spec.get("b", {})
    present: set[str] = set()
    for key, value in body.items():
        if key in IGNORED_KEYS or (top and key in META_ARGS):
            continue
        if key == "dynamic":
            errors += _check_dynamic(value, blocks, where, present)
            continue
        present.add(key)
        if key in attrs:
            if _is_block(value) and key not in blocks:
                errors.append(f"{where}: `{key}` is an argument; write `{key} = ...`, not a block")
            continue
        if key in blocks:
            nested = blocks[key][1]
            if nested is not None and _is_block(value):
                for item in value:
                    errors += check_body(item, nested, f"{where}.{key}")
            continue
        errors.append(f"{where}: unknown argument or block `{key}`")
    return errors + _check_required(attrs, blocks, present, where)


def check_file(path: Path) -> list[str]:
    s = schema()
    doc = parse(path)
    rel = path.relative_to(INFRA)
    errors: list[str] = []
    for kind in ("resource", "data"):
        table = s["resource"] if kind == "resource" else s["data"]
        for rtype, name, body in iter_blocks(doc, kind):
            where = f"{rel}: {'data.' if kind == 'data' else ''}{rtype}.{name}"
            if not rtype.startswith("aws_"):
                continue  # other providers (none expected) are not covered by this schema
            if rtype not in table:
                errors.append(
                    f"{where}: {kind} type `{rtype}` does not exist in hashicorp/aws {s['version']}"
                )
                continue
            errors += check_body(body, table[rtype], where, top=True)
    for entry in doc.get("provider", []):
        for pname, body in entry.items():
            if unquote(pname) == "aws":
                errors += check_body(body, s["provider_config"], f"{rel}: provider aws", top=True)
    return errors


def test_schema_is_aws_provider_v6():
    s = schema()
    assert s["provider"] == "hashicorp/aws"
    assert s["version"].split(".")[0] == "6", s["version"]
    assert int(s["version"].split(".")[1]) >= 21, "schema older than the ~> 6.21 constraint"
    assert len(s["resource"]) > 1000 and len(s["data"]) > 400


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_arguments_exist_in_provider_v6(path):
    errors = check_file(path)
    assert not errors, "\n".join(errors)


def test_checker_catches_mistakes(tmp_path):
    """The check itself bites: unknown type, v5-only argument, missing required, bad block."""
    bad = tmp_path / "bad.tf"
    bad.write_text(
        """
resource "aws_flow_log" "v5" {
  log_group_name = "x"
  traffic_type   = "ALL"
}
resource "aws_not_a_thing" "x" {}
resource "aws_cloudwatch_log_group" "cf" {
  retention_in_days = 7
  tags { Name = "x" }
}
resource "aws_cloudfront_distribution" "global" {
  region  = "us-east-1"
  enabled = true
}
resource "aws_db_instance" "no_class" {
  engine = "postgres"
}
"""
    )
    errors = "\n".join(check_file_outside(bad))
    assert "unknown argument or block `log_group_name`" in errors
    assert "`aws_not_a_thing` does not exist" in errors
    assert "`tags` is an argument" in errors
    assert "aws_cloudfront_distribution.global: unknown argument or block `region`" in errors
    assert "required block `default_cache_behavior` missing" in errors
    assert "aws_db_instance.no_class: required argument `instance_class` missing" in errors


def check_file_outside(path: Path) -> list[str]:
    """check_file for a file outside infra/ (paths shown relative to its folder)."""
    import tfeval

    original = tfeval.INFRA
    try:
        globals()["INFRA"] = path.parent
        return check_file(path)
    finally:
        globals()["INFRA"] = original
