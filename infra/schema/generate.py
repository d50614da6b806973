#!/usr/bin/env python3
"""Regenerate ``aws-provider-schema.json`` from the prebuilt CDKTF bindings of the AWS provider.

The offline schema check (``infra/tests/test_provider_schema.py``) needs, for every resource
and data source of the hashicorp/aws provider: its argument names, which of them are
required, and its nested blocks (recursively, with the same information).  HashiCorp generated
the npm package ``@cdktf/provider-aws`` from the provider's real schema
(``terraform providers schema -json``), one folder per resource with an ``index.js``
(``synthesizeHclAttributes``: every argument, flagged ``isBlock``) and an ``index.d.ts``
(``readonly name?:`` marks optional arguments; the doc link names the provider version).

Usage (network to the npm registry needed only here, never in the tests)::

    cd "$(mktemp -d)" && npm pack @cdktf/provider-aws@21.22.1 && tar xzf cdktf-provider-aws-*.tgz
    python infra/schema/generate.py "$PWD/package" > infra/schema/aws-provider-schema.json

``@cdktf/provider-aws`` 21.22.1 is built from hashicorp/aws 6.25.0 (the last release HashiCorp
published; the bindings were archived in December 2025).  The output is compact JSON:

    {"provider": "hashicorp/aws", "version": "6.25.0", "source": "...",
     "provider_config": BLOCK,
     "resource": {"aws_x": BLOCK, ...}, "data": {"aws_y": BLOCK, ...}}
    BLOCK = {"a": {"arg_name": 1 if required else 0, ...},
             "b": {"block_name": [1 if required else 0, BLOCK or null], ...}}

A ``null`` nested block is one the bindings typed as "any" because the provider's schema nests
too deep for them (WAFv2 rule statements, for example): its name is checked, its content not.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FUNC_RE = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{$", re.M)
ATTR_RE = re.compile(
    r"^\s+(\w+): \{\n\s+value: (?P<value>.*?),\n\s+isBlock: (?P<block>true|false),", re.M | re.S
)
NESTED_FN_RE = re.compile(r"(\w+)ToHclTerraform")
RESOURCE_TYPE_RE = re.compile(r"terraformResourceType: '(aws_\w+)'")
VERSION_RE = re.compile(r"hashicorp/aws/(\d+\.\d+\.\d+)/docs")
IFACE_RE = re.compile(r"^export interface (\w+)(?: extends [\w.]+)? \{\n(.*?)^\}", re.M | re.S)
PROP_RE = re.compile(r"#(\w+) \w+#\w+\}\n\s*\*/\n\s*readonly \w+(\??):", re.M)


def _attr_block(body: str) -> str:
    start = body.index("const attrs = {")
    end = body.index("\n    };", start) if "\n    };" in body[start:] else len(body)
    return body[start:end]


def _parse_js(js: str) -> tuple[dict[str, list[tuple[str, bool, str | None]]], list]:
    """Return {struct function: [(arg, is_block, nested function)]} and the main class args."""
    funcs: dict[str, list[tuple[str, bool, str | None]]] = {}
    positions = [m.start() for m in FUNC_RE.finditer(js)] + [len(js)]
    for m, end in zip(FUNC_RE.finditer(js), positions[1:], strict=True):
        body = js[m.end() : end]
        if "const attrs = {" not in body:
            continue
        funcs[m.group(1)] = _args(_attr_block(body))
    main_at = js.find("synthesizeHclAttributes() {")
    main = _args(_attr_block(js[main_at:])) if main_at >= 0 else []
    return funcs, main


def _args(text: str) -> list[tuple[str, bool, str | None]]:
    out = []
    for m in ATTR_RE.finditer(text):
        nested = None
        if m.group("block") == "true":
            fn = [f for f in NESTED_FN_RE.findall(m.group("value")) if not f.startswith("cdktf")]
            nested = fn[0] if fn else None
        opaque = "anyToHclTerraform" in m.group("value")
        out.append((m.group(1), m.group("block") == "true" or opaque, nested))
    return out


def _optional_flags(dts: str) -> dict[str, dict[str, bool]]:
    """{interface name: {snake_case arg: required}} from the TypeScript declarations."""
    out: dict[str, dict[str, bool]] = {}
    for m in IFACE_RE.finditer(dts):
        out[m.group(1)] = {p.group(1): p.group(2) != "?" for p in PROP_RE.finditer(m.group(2))}
    return out


def _block(args, funcs, ifaces, iface_name, seen=()) -> dict:
    req = ifaces.get(iface_name, {})
    result: dict = {"a": {}, "b": {}}
    for name, is_block, nested in args:
        required = 1 if req.get(name, False) else 0
        if is_block and nested and nested in funcs and nested not in seen:
            sub_iface = nested[0].upper() + nested[1:]
            sub = _block(funcs[nested], funcs, ifaces, sub_iface, (*seen, nested))
            result["b"][name] = [required, sub]
        elif is_block:
            # too deep for the bindings (e.g. WAFv2 rule statements): a block whose content
            # the check cannot verify; recorded as an opaque block.
            result["b"][name] = [required, None]
        else:
            result["a"][name] = required
    if not result["b"]:
        del result["b"]
    return result


def main(package_dir: str) -> None:
    root = Path(package_dir)
    pkg = json.loads((root / "package.json").read_text())
    schema: dict = {
        "provider": "hashicorp/aws",
        "version": None,
        "source": f"npm {pkg['name']}@{pkg['version']}",
        "provider_config": {},
        "resource": {},
        "data": {},
    }
    for folder in sorted((root / "lib").iterdir()):
        js_file, dts_file = folder / "index.js", folder / "index.d.ts"
        if not js_file.exists():
            continue
        js, dts = js_file.read_text(), dts_file.read_text()
        if folder.name == "provider":
            funcs, main_args = _parse_js(js)
            schema["provider_config"] = _block(
                main_args, funcs, _optional_flags(dts), "AwsProviderConfig"
            )
            continue
        rtype = RESOURCE_TYPE_RE.search(js)
        if not rtype:
            continue
        version = VERSION_RE.search(dts)
        if version and not schema["version"]:
            schema["version"] = version.group(1)
        funcs, main_args = _parse_js(js)
        config_iface = next(
            (m.group(1) for m in IFACE_RE.finditer(dts) if m.group(1).endswith("Config")), ""
        )
        ifaces = _optional_flags(dts)
        kind = "data" if folder.name.startswith("data-aws-") else "resource"
        schema[kind][rtype.group(1)] = _block(main_args, funcs, ifaces, config_iface)
    json.dump(schema, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
