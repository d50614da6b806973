"""What the stand-in answers where the real provider would ask AWS: known values of the right
shape for data sources, and for computed attributes after an apply.

Most answers are typed placeholders. A few data sources get realistic values because the
configuration computes with them (availability zones, region, account, partition), and
aws_iam_policy_document renders its policy as the real one does, so policy checks over the
plan see the real statements.
"""

from __future__ import annotations

import json
from typing import Any

from cty import Filler

ACCOUNT_ID = "123456789012"


def _one_or_list(values: list[str]) -> str | list[str]:
    ordered = sorted(values)
    return ordered[0] if len(ordered) == 1 else ordered


def _statement(block: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if block.get("sid"):
        statement["Sid"] = block["sid"]
    statement["Effect"] = block.get("effect") or "Allow"
    for key, field in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if block.get(key):
            statement[field] = _one_or_list(block[key])
    for key, field in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if block.get(key):
            principals: dict[str, list[str]] = {}
            for principal in block[key]:
                principals.setdefault(principal["type"], []).extend(principal["identifiers"])
            if list(principals) == ["*"] and principals["*"] == ["*"]:
                statement[field] = "*"
            else:
                statement[field] = {k: _one_or_list(v) for k, v in sorted(principals.items())}
    if block.get("condition"):
        conditions: dict[str, dict[str, Any]] = {}
        for condition in block["condition"]:
            tests = conditions.setdefault(condition["test"], {})
            tests[condition["variable"]] = _one_or_list(condition["values"])
        statement["Condition"] = conditions
    return statement


def render_policy_document(config: dict[str, Any]) -> str:
    """aws_iam_policy_document's json: source documents first, then this document's
    statements (replacing any with the same Sid), then the override documents."""
    statements: list[dict[str, Any]] = []

    def merge(new: dict[str, Any]) -> None:
        for index, existing in enumerate(statements):
            if new.get("Sid") and existing.get("Sid") == new["Sid"]:
                statements[index] = new
                return
        statements.append(new)

    for document in config.get("source_policy_documents") or []:
        for statement in json.loads(document).get("Statement", []):
            merge(statement)
    for block in config.get("statement") or []:
        merge(_statement(block))
    for document in config.get("override_policy_documents") or []:
        for statement in json.loads(document).get("Statement", []):
            merge(statement)
    policy: dict[str, Any] = {"Version": config.get("version") or "2012-10-17"}
    if config.get("policy_id"):
        policy["Id"] = config["policy_id"]
    policy["Statement"] = statements
    return json.dumps(policy, indent=2)


class Answers:
    def __init__(self, region: str) -> None:
        self.region = region

    def filler(self, type_name: str) -> Filler:
        service = type_name.split("_")[1] if "_" in type_name else type_name

        def fill(path: tuple[str, ...], cty_type: Any) -> Any:
            name = path[-1] if path else ""
            if cty_type == "string":
                if name == "arn" or name.endswith("_arn"):
                    return f"arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{type_name}/standin"
                if name == "region":
                    return self.region
                if name in ("account_id", "owner_id"):
                    return ACCOUNT_ID
                if name == "id":
                    return f"{type_name}-standin"
                return f"standin-{name}"
            if cty_type == "number":
                return 1
            if cty_type == "bool":
                return False
            if isinstance(cty_type, list) and cty_type[0] in ("list", "set", "tuple"):
                return []
            if isinstance(cty_type, list) and cty_type[0] == "map":
                return {}
            return None

        return fill

    def data_source(self, type_name: str, config: dict[str, Any]) -> dict[str, Any]:
        """Realistic values for the data sources whose values the configuration computes with."""
        region = config.get("region") or self.region
        if type_name == "aws_region":
            return {
                "region": region,
                "name": region,
                "id": region,
                "description": "Stand-in region",
                "endpoint": f"ec2.{region}.amazonaws.com",
            }
        if type_name == "aws_caller_identity":
            return {
                "account_id": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/standin",
                "user_id": "AIDASTANDIN",
                "id": ACCOUNT_ID,
            }
        if type_name == "aws_partition":
            return {
                "partition": "aws",
                "dns_suffix": "amazonaws.com",
                "reverse_dns_prefix": "com.amazonaws",
                "id": "aws",
            }
        if type_name == "aws_availability_zones":
            letters = "abcdef"
            prefix = "".join(part[0] for part in region.split("-")[:2]) + region.split("-")[-1]
            return {
                "names": [f"{region}{letter}" for letter in letters],
                "zone_ids": [f"{prefix}-az{index}" for index in range(1, len(letters) + 1)],
                "group_names": [region],
                "id": region,
            }
        if type_name == "aws_iam_policy_document":
            document = render_policy_document(config)
            return {
                "json": document,
                "minified_json": json.dumps(json.loads(document), separators=(",", ":")),
                "id": "standin-policy",
            }
        if type_name == "aws_elb_service_account":
            return {"arn": "arn:aws:iam::127311923021:root", "id": "127311923021"}
        if type_name == "aws_ec2_managed_prefix_list":
            return {"id": "pl-0standin", "arn": f"arn:aws:ec2:{region}:aws:prefix-list/pl-0standin"}
        if type_name == "aws_route53_zone":
            return {"zone_id": "Z0STANDIN", "id": "Z0STANDIN"}
        return {}
