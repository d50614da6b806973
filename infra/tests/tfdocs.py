#!/usr/bin/env python3
"""Write the inputs/outputs tables of a module README (terraform-docs layout, offline).

    python infra/tests/tfdocs.py infra/modules/<name> [...]   # rewrite between the markers
    python infra/tests/tfdocs.py --check infra/modules/<name>  # exit 1 if out of date

Only the part between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` is generated;
the usage text above it is hand-written.  terraform-docs itself (in a user's pre-commit) can
regenerate the same section.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import hcl2

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


def _strip(value):
    """python-hcl2 keeps quotes and ${} around expressions; undo that for display."""
    if isinstance(value, str):
        if value.startswith('"') and value.endswith('"'):
            return value[1:-1]
        if value.startswith("${") and value.endswith("}"):
            return value[2:-1]
        return value
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict):
        return {_strip(k): _strip(v) for k, v in value.items() if k != "__is_block__"}
    return value


def _blocks(path: Path, kind: str) -> list[tuple[str, dict]]:
    if not path.exists():
        return []
    with path.open() as fh:
        doc = hcl2.load(fh)
    out = []
    for entry in doc.get(kind, []):
        for name, body in entry.items():
            out.append((_strip(name), body))
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", "<br>")


def render(module: Path) -> str:
    lines = [BEGIN, "## Requirements", "", "| Name | Version |", "|------|---------|"]
    versions = hcl2.load((module / "versions.tf").open())
    tf = versions["terraform"][0]
    lines.append(f"| terraform | {_strip(tf.get('required_version', ''))} |")
    for provs in tf.get("required_providers", []):
        for pname, spec in provs.items():
            if pname == "__is_block__":
                continue
            lines.append(f"| {pname} | {_strip(spec).get('version', '')} |")
    lines += [
        "",
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for name, body in sorted(_blocks(module / "variables.tf", "variable")):
        has_default = "default" in body
        default = json.dumps(_strip(body["default"])) if has_default else "n/a"
        lines.append(
            f"| {name} | {_cell(_strip(body.get('description', '')))} | `{_cell(_strip(body.get('type', 'any')))}` "
            f"| `{_cell(default)}` | {'no' if has_default else 'yes'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in sorted(_blocks(module / "outputs.tf", "output")):
        lines.append(f"| {name} | {_cell(_strip(body.get('description', '')))} |")
    lines.append(END)
    return "\n".join(lines)


def update(module: Path, check: bool) -> bool:
    readme = module / "README.md"
    text = readme.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = head + render(module) + tail
    if check:
        return new == text
    readme.write_text(new)
    return True


if __name__ == "__main__":
    args = sys.argv[1:]
    check = "--check" in args
    stale = [m for m in args if m != "--check" and not update(Path(m), check)]
    for m in stale:
        print(f"{m}/README.md is out of date: run python infra/tests/tfdocs.py {m}")
    sys.exit(1 if stale else 0)
