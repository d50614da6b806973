"""The stand-in provider's schemas (infra/tests/provider_standin/schemas/*.json.gz).

They are rebuilt from the cdk bindings by ``provider_standin/build_schema.py``; these checks pin
cases known from the provider docs, so a regression in the builder (or a bad regeneration)
fails here. Rules: provider_standin/README.md, section "Schema".
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SCHEMAS = Path(__file__).parent / "provider_standin" / "schemas"
AWS = "registry.terraform.io/hashicorp/aws"
RANDOM = "registry.terraform.io/hashicorp/random"


@cache
def _doc(name: str) -> dict[str, Any]:
    with gzip.open(SCHEMAS / f"{name}.json.gz", "rt", encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    return doc


def _provider(source: str) -> dict[str, Any]:
    doc = _doc("aws" if source == AWS else "random")
    schema: dict[str, Any] = doc["provider_schemas"][source]
    return schema


def _resource(tf_type: str, section: str = "resource_schemas") -> dict[str, Any]:
    source = RANDOM if tf_type.startswith("random_") else AWS
    block: dict[str, Any] = _provider(source)[section][tf_type]["block"]
    return block


def _bt(block: dict[str, Any], *path: str) -> dict[str, Any]:
    bt: dict[str, Any] = {}
    for name in path:
        bt = block["block_types"][name]
        block = bt["block"]
    return bt


def test_format_and_versions() -> None:
    for name, source, version in (("aws", AWS, "6.62.0"), ("random", RANDOM, "3.9.1")):
        doc = _doc(name)
        assert doc["format_version"] == "1.0"
        assert list(doc["provider_schemas"]) == [source]
        assert doc["provider_versions"] == {source: version}


def test_files_are_small_and_canonical() -> None:
    path = SCHEMAS / "aws.json.gz"
    assert path.stat().st_size < 5_000_000
    raw = gzip.decompress(path.read_bytes())
    assert raw == json.dumps(_doc("aws"), sort_keys=True, separators=(",", ":")).encode()


def test_counts() -> None:
    aws = _provider(AWS)
    assert len(aws["resource_schemas"]) > 1400
    assert len(aws["data_source_schemas"]) > 550
    assert "aws_secretsmanager_secret_version" in aws["ephemeral_resource_schemas"]
    assert 5 <= len(aws["ephemeral_resource_schemas"]) < 100
    rnd = _provider(RANDOM)
    assert "random_password" in rnd["resource_schemas"]
    assert "random_password" in rnd["ephemeral_resource_schemas"]


def test_lb_listener_blocks() -> None:
    lb = _resource("aws_lb_listener")
    default_action = _bt(lb, "default_action")
    assert default_action["nesting_mode"] == "list"
    assert default_action["min_items"] == 1
    assert "max_items" not in default_action
    assert default_action["block"]["attributes"]["type"]["required"] is True
    mutual = _bt(lb, "mutual_authentication")
    assert (mutual["nesting_mode"], mutual["max_items"]) == ("list", 1)
    assert "min_items" not in mutual
    assert _bt(lb, "timeouts")["nesting_mode"] == "single"
    assert lb["attributes"]["load_balancer_arn"] == {
        "type": "string",
        "description_kind": "plain",
        "required": True,
    }
    assert lb["attributes"]["port"]["type"] == "number"
    assert lb["attributes"]["port"]["optional"] and lb["attributes"]["port"]["computed"]
    assert lb["attributes"]["arn"] == {
        "type": "string",
        "description_kind": "plain",
        "computed": True,
    }
    for meta in ("count", "for_each", "depends_on", "lifecycle", "provider"):
        assert meta not in lb["attributes"]
        assert meta not in lb["block_types"]


def test_s3_lifecycle_rule() -> None:
    block = _resource("aws_s3_bucket_lifecycle_configuration")
    rule = _bt(block, "rule")
    assert rule["nesting_mode"] == "list"
    assert rule["block"]["attributes"]["status"]["required"] is True
    assert {"expiration", "filter", "transition"} <= set(rule["block"]["block_types"])
    assert block["attributes"]["bucket"]["required"] is True


def test_ecs_container_definitions_is_a_string() -> None:
    attr = _resource("aws_ecs_task_definition")["attributes"]["container_definitions"]
    assert attr["type"] == "string"
    assert attr["required"] is True


def test_acm_domain_validation_options_computed_set() -> None:
    attr = _resource("aws_acm_certificate")["attributes"]["domain_validation_options"]
    assert attr == {
        "computed": True,
        "description_kind": "plain",
        "type": [
            "set",
            [
                "object",
                {
                    "domain_name": "string",
                    "resource_record_name": "string",
                    "resource_record_type": "string",
                    "resource_record_value": "string",
                },
            ],
        ],
    }


def test_wafv2_statement_tree() -> None:
    """rule.statement nests three levels deep (and/or/not), with the leaf statements."""
    acl = _resource("aws_wafv2_web_acl")
    statement = _bt(acl, "rule", "statement")
    leaves = {"byte_match_statement", "ip_set_reference_statement", "managed_rule_group_statement"}
    assert leaves | {"and_statement", "rate_based_statement"} <= set(
        statement["block"]["block_types"]
    )
    level2 = _bt(acl, "rule", "statement", "and_statement", "statement")
    assert "not_statement" in level2["block"]["block_types"]
    level3 = _bt(
        acl, "rule", "statement", "and_statement", "statement", "or_statement", "statement"
    )
    assert leaves <= set(level3["block"]["block_types"])
    byte_match = _bt(
        acl, "rule", "statement", "byte_match_statement", "field_to_match", "single_header"
    )
    assert byte_match["block"]["attributes"]["name"]["required"] is True
    managed = _bt(acl, "rule", "statement", "managed_rule_group_statement")
    assert {"name", "vendor_name"} <= set(managed["block"]["attributes"])
    assert "scope_down_statement" in managed["block"]["block_types"]
    assert "statement" in _bt(_resource("aws_wafv2_rule_group"), "rule")["block"]["block_types"]


def test_set_blocks_have_no_optional_computed_arguments() -> None:
    """Inside set blocks, optional arguments are not computed: a set's length stays known."""
    rule = _bt(_resource("aws_backup_plan"), "rule")
    assert rule["nesting_mode"] == "set"
    attrs = rule["block"]["attributes"]
    assert attrs["schedule"] == {"type": "string", "description_kind": "plain", "optional": True}
    assert attrs["rule_name"]["required"] is True
    copy_action = _bt(_resource("aws_backup_plan"), "rule", "copy_action")
    assert "computed" not in copy_action["block"]["attributes"]["destination_vault_arn"]
    # list blocks keep the permissive rule
    mutual = _bt(_resource("aws_lb_listener"), "mutual_authentication")["block"]
    assert mutual["attributes"]["trust_store_arn"]["computed"] is True


def test_attribute_objects_are_plain_cty_types() -> None:
    """SDKv2 "attributes as blocks" stay plain cty types: Terraform accepts block syntax."""
    ingress = _resource("aws_security_group")["attributes"]["ingress"]
    assert ingress["type"][0] == "set"
    assert ingress["type"][1][0] == "object"
    assert {"from_port", "to_port", "protocol", "cidr_blocks"} <= set(ingress["type"][1][1])
    assert "nested_type" not in ingress


def test_provider_block() -> None:
    block = _provider(AWS)["provider"]["block"]
    assert block["attributes"]["region"] == {
        "type": "string",
        "description_kind": "plain",
        "optional": True,
    }
    assert "alias" not in block["attributes"]
    default_tags = _bt(block, "default_tags")
    assert default_tags["block"]["attributes"]["tags"]["type"] == ["map", "string"]
    assume_role = _bt(block, "assume_role")
    assert assume_role["nesting_mode"] == "list"
    assert "role_arn" in assume_role["block"]["attributes"]


@pytest.mark.parametrize(
    ("tf_type", "name"),
    [
        ("aws_secretsmanager_secret_version", "secret_string_wo"),
        ("aws_db_instance", "password_wo"),
        ("aws_ssm_parameter", "value_wo"),
        ("aws_rds_cluster", "master_password_wo"),
    ],
)
def test_write_only(tf_type: str, name: str) -> None:
    attrs = _resource(tf_type)["attributes"]
    assert attrs[name]["write_only"] is True
    assert "computed" not in attrs[name]
    assert f"{name}_version" in attrs


def test_write_only_is_not_over_marked() -> None:
    attrs = _resource("aws_secretsmanager_secret_version")["attributes"]
    assert "write_only" not in attrs["has_secret_string_wo"]
    assert "write_only" not in attrs["secret_string"]
    all_wo = [
        f"{t}.{n}"
        for t, s in _provider(AWS)["resource_schemas"].items()
        for n, a in s["block"].get("attributes", {}).items()
        if a.get("write_only")
    ]
    assert all(n.endswith("_wo") for n in all_wo), all_wo
    assert 10 <= len(all_wo) < 60


@pytest.mark.parametrize(
    ("section", "tf_type", "name"),
    [
        ("resource_schemas", "random_password", "result"),
        ("resource_schemas", "random_password", "bcrypt_hash"),
        ("ephemeral_resource_schemas", "random_password", "result"),
        ("ephemeral_resource_schemas", "random_password", "bcrypt_hash"),
        ("resource_schemas", "aws_secretsmanager_secret_version", "secret_string"),
        ("resource_schemas", "aws_secretsmanager_secret_version", "secret_binary"),
        ("resource_schemas", "aws_db_instance", "password"),
        ("resource_schemas", "aws_elasticache_replication_group", "auth_token"),
        ("resource_schemas", "aws_iam_access_key", "secret"),
        ("ephemeral_resource_schemas", "aws_secretsmanager_secret_version", "secret_string"),
    ],
)
def test_sensitive(section: str, tf_type: str, name: str) -> None:
    assert _resource(tf_type, section)["attributes"][name]["sensitive"] is True


def test_not_sensitive_by_default() -> None:
    assert "sensitive" not in _resource("random_password")["attributes"]["length"]
    assert "sensitive" not in _resource("aws_db_instance")["attributes"]["username"]


def test_ephemeral_random_password() -> None:
    block = _resource("random_password", "ephemeral_resource_schemas")
    assert block["attributes"]["length"]["required"] is True
    assert block["attributes"]["result"]["computed"] is True
    assert "keepers" not in block["attributes"]  # resource-only argument


def _walk(block: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    out = [(f"{path}.{n}", a) for n, a in block.get("attributes", {}).items()]
    for n, bt in block.get("block_types", {}).items():
        out += _walk(bt["block"], f"{path}.{n}")
    return out


def test_every_attribute_is_well_formed() -> None:
    """One of required / optional / computed; required excludes the others; a known type."""
    bad: list[str] = []
    for source in (AWS, RANDOM):
        schema = _provider(source)
        sections = ("resource_schemas", "data_source_schemas", "ephemeral_resource_schemas")
        for section in sections:
            for tf_type, s in schema[section].items():
                for path, attr in _walk(s["block"], tf_type):
                    flags = (attr.get("required"), attr.get("optional"), attr.get("computed"))
                    if not any(flags) or (attr.get("required") and any(flags[1:])):
                        bad.append(f"{path}: {flags}")
                    if "type" not in attr or (attr.get("write_only") and attr.get("computed")):
                        bad.append(f"{path}: {attr}")
    assert bad == []
