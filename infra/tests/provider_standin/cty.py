"""cty values as Terraform sends them in msgpack, walked with the provider's JSON schema.

Values stay in msgpack's Python form so they round-trip byte for byte: objects and maps are
dicts, lists and sets are lists, an unknown value is msgpack extension 0 (12 when Terraform
adds refinements), and a value of dynamic type is a two-item list [type JSON, value].
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgpack

UNKNOWN = msgpack.ExtType(0, b"")

Schema = dict[str, Any]
# Fills a null computed attribute: (attribute path, cty type) -> value
Filler = Callable[[tuple[str, ...], Any], Any]


def is_unknown(value: Any) -> bool:
    return isinstance(value, msgpack.ExtType) and value.code in (0, 12)


def decode(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def encode(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def decode_json_state(data: bytes) -> Any:
    """A state stored as JSON (UpgradeResourceState) in the msgpack form used everywhere else."""
    return json.loads(data) if data else None


def object_type(block: Schema) -> list[Any]:
    """The cty object type of a block, as JSON (for dynamic values and placeholders)."""
    attrs: dict[str, Any] = {}
    for name, attr in block.get("attributes", {}).items():
        attrs[name] = nested_type(attr["nested_type"]) if "nested_type" in attr else attr["type"]
    for name, block_type in block.get("block_types", {}).items():
        inner = object_type(block_type["block"])
        mode = block_type["nesting_mode"]
        attrs[name] = inner if mode in ("single", "group") else [mode, inner]
    return ["object", attrs]


def nested_type(nested: Schema) -> Any:
    inner = object_type({"attributes": nested["attributes"]})
    mode = nested.get("nesting_mode", "single")
    return inner if mode == "single" else [mode, inner]


def placeholder(cty_type: Any, path: tuple[str, ...], fill: Filler) -> Any:
    """A known value of the given type, for an attribute the provider computes."""
    if isinstance(cty_type, str):
        return fill(path, cty_type)
    kind = cty_type[0]
    if kind in ("list", "set"):
        return fill(path, cty_type)
    if kind == "map":
        return fill(path, cty_type)
    if kind == "object":
        return {name: placeholder(t, (*path, name), fill) for name, t in cty_type[1].items()}
    if kind == "tuple":
        return [placeholder(t, (*path, str(i)), fill) for i, t in enumerate(cty_type[1])]
    return None


def plan_block(block: Schema, value: Any, creating: bool) -> Any:
    """The planned value of a block: computed attributes left null become unknown on create,
    write-only attributes are always null (Terraform refuses anything else)."""
    if value is None or is_unknown(value):
        return value
    planned = dict(value)
    for name, attr in block.get("attributes", {}).items():
        current = planned.get(name)
        if attr.get("write_only"):
            planned[name] = None
            continue
        if "nested_type" in attr and current is not None and not is_unknown(current):
            current = _map_nested(
                attr["nested_type"], current, lambda b, v: plan_block(b, v, creating)
            )
        if current is None and attr.get("computed") and creating:
            current = UNKNOWN
        planned[name] = current
    for name, block_type in block.get("block_types", {}).items():
        planned[name] = _map_blocks(
            block_type, planned.get(name), lambda b, v: plan_block(b, v, creating)
        )
    return planned


def fill_block(block: Schema, value: Any, path: tuple[str, ...], fill: Filler) -> Any:
    """A state with every unknown, and every null computed attribute, made known."""
    if value is None:
        return None
    if is_unknown(value):
        value = {}
    filled = dict(value)
    for name, attr in block.get("attributes", {}).items():
        current = filled.get(name)
        cty_type = nested_type(attr["nested_type"]) if "nested_type" in attr else attr["type"]
        if attr.get("write_only"):
            filled[name] = None
            continue
        if is_unknown(current) or (current is None and attr.get("computed")):
            current = placeholder(cty_type, (*path, name), fill)
        elif "nested_type" in attr and current is not None:
            inner_path = (*path, name)
            current = _map_nested(
                attr["nested_type"],
                current,
                lambda b, v, p=inner_path: fill_block(b, v, p, fill),  # type: ignore[misc]
            )
        filled[name] = current
    for name, block_type in block.get("block_types", {}).items():
        inner_path = (*path, name)
        filled[name] = _map_blocks(
            block_type,
            filled.get(name),
            lambda b, v, p=inner_path: fill_block(b, v, p, fill),  # type: ignore[misc]
        )
    return filled


def _map_blocks(block_type: Schema, value: Any, fn: Callable[[Schema, Any], Any]) -> Any:
    mode = block_type["nesting_mode"]
    inner = block_type["block"]
    if value is None or is_unknown(value):
        return value
    if mode in ("single", "group"):
        return fn(inner, value)
    if mode in ("list", "set"):
        return [fn(inner, element) for element in value]
    if mode == "map":
        return {key: fn(inner, element) for key, element in value.items()}
    return value


def _map_nested(nested: Schema, value: Any, fn: Callable[[Schema, Any], Any]) -> Any:
    block = {"attributes": nested["attributes"]}
    mode = nested.get("nesting_mode", "single")
    if mode == "single":
        return fn(block, value)
    if mode in ("list", "set"):
        return [fn(block, element) for element in value]
    if mode == "map":
        return {key: fn(block, element) for key, element in value.items()}
    return value
