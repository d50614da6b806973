"""Helpers for our checkov checks (not a check itself: checkov registers only check objects)."""

from __future__ import annotations

import re
from typing import Any

UNRESOLVED = re.compile(r"\$\{|^(var|local|module|data|each|count)\.")
PROD = re.compile(r"(^|[-_/])prod([-_/.]|$)")


def first(conf: dict, key: str, default: Any = None) -> Any:
    value = conf.get(key, default)
    if isinstance(value, list):
        return value[0] if value else default
    return value


def unresolved(value: Any) -> bool:
    return isinstance(value, str) and bool(UNRESOLVED.search(value))


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def name_of(conf: dict) -> str:
    for key in (
        "identifier",
        "identifier_prefix",
        "replication_group_id",
        "name",
        "name_prefix",
        "bucket",
    ):
        value = first(conf, key)
        if isinstance(value, str) and not unresolved(value):
            return value
    tags = first(conf, "tags")
    if isinstance(tags, dict) and isinstance(tags.get("Name"), str):
        return tags["Name"]
    return ""


def is_prod(conf: dict) -> bool | None:
    """True/False from the evaluated name (`<project>-<env>-...`); None when not resolvable."""
    name = name_of(conf)
    if not name:
        return None
    return bool(PROD.search(name))
