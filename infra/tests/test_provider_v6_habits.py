"""Provider v6 habits (issue 3): patterns that v5-era code gets wrong, checked statically."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from tfeval import INFRA, iter_blocks, parse, tf_files, unquote

FILES = tf_files()
IDS = [str(p.relative_to(INFRA)) for p in FILES]

S3_INLINE = {
    "acl",
    "policy",
    "versioning",
    "server_side_encryption_configuration",
    "lifecycle_rule",
    "logging",
    "website",
    "cors_rule",
    "replication_configuration",
    "object_lock_configuration",
    "acceleration_status",
    "request_payer",
    "grant",
}


def _iam_role(body: dict) -> list[str]:
    return [
        f"`{key}` is deprecated; use aws_iam_role_policy / _attachment"
        for key in ("inline_policy", "managed_policy_arns")
        if key in body
    ]


def _s3_bucket(body: dict) -> list[str]:
    return [
        f"`{key}` inline is deprecated; use its aws_s3_bucket_* resource"
        for key in S3_INLINE & set(body)
    ]


def _flow_log(body: dict) -> list[str]:
    return ["log_group_name is gone in v6; use log_destination"] if "log_group_name" in body else []


def _anomaly_subscription(body: dict) -> list[str]:
    return ["use threshold_expression (threshold is deprecated)"] if "threshold" in body else []


def _guardduty_detector(body: dict) -> list[str]:
    return ["use aws_guardduty_detector_feature, not datasources"] if "datasources" in body else []


def _cloudfront_distribution(body: dict) -> list[str]:
    vcs = body.get("viewer_certificate", [])
    if not vcs or "minimum_protocol_version" not in vcs[0]:
        return ["set viewer_certificate.minimum_protocol_version (defaults to TLSv1)"]
    return []


def _wafv2_web_acl(body: dict) -> list[str]:
    cloudfront = unquote(str(body.get("scope", ""))) == "CLOUDFRONT"
    if cloudfront and unquote(str(body.get("region", ""))) != "us-east-1":
        return ['a CLOUDFRONT-scope web ACL needs region = "us-east-1"']
    return []


def _wafv2_web_acl_association(body: dict) -> list[str]:
    if "cloudfront" in str(body).lower():
        return ["not for CloudFront; only use it for regional (ALB) web ACLs"]
    return []


def _engine_lowercase(body: dict) -> list[str]:
    engine = body.get("engine")
    if (
        isinstance(engine, str)
        and engine.startswith('"')
        and unquote(engine) != unquote(engine).lower()
    ):
        return ["engine names are lowercase"]
    return []


def _replication_group(body: dict) -> list[str]:
    out = _engine_lowercase(body)
    if "auth_token" in body and "auth_token_update_strategy" not in body:
        out.append("auth_token needs an explicit auth_token_update_strategy in v6")
    return out


RESOURCE_HABITS: dict[str, Callable[[dict], list[str]]] = {
    "aws_iam_role": _iam_role,
    "aws_s3_bucket": _s3_bucket,
    "aws_flow_log": _flow_log,
    "aws_ce_anomaly_subscription": _anomaly_subscription,
    "aws_guardduty_detector": _guardduty_detector,
    "aws_cloudfront_distribution": _cloudfront_distribution,
    "aws_wafv2_web_acl": _wafv2_web_acl,
    "aws_wafv2_web_acl_association": _wafv2_web_acl_association,
    "aws_db_instance": _engine_lowercase,
    "aws_rds_cluster": _engine_lowercase,
    "aws_elasticache_replication_group": _replication_group,
}


def _problems(path) -> list[str]:
    text = path.read_text()
    doc = parse(path)
    out = []
    if re.search(r"data\.aws_region\.[\w-]+\.name\b", text):
        out.append("data.aws_region.<x>.name is deprecated in v6: use .region")
    for rtype, name, body in iter_blocks(doc, "resource"):
        habit = RESOURCE_HABITS.get(rtype)
        if habit is not None:
            out += [f"{rtype}.{name}: {problem}" for problem in habit(body)]
    return out


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_v6_habits(path):
    problems = _problems(path)
    assert not problems, "\n".join(problems)


def test_habit_check_bites(tmp_path):
    bad = tmp_path / "bad.tf"
    bad.write_text(
        """
data "aws_region" "current" {}
locals { r = data.aws_region.current.name }
resource "aws_iam_role" "r" {
  assume_role_policy  = "{}"
  managed_policy_arns = []
}
resource "aws_s3_bucket" "b" {
  versioning { enabled = true }
}
resource "aws_cloudfront_distribution" "d" {
  viewer_certificate { cloudfront_default_certificate = true }
}
resource "aws_db_instance" "db" {
  engine = "Postgres"
}
"""
    )
    problems = "\n".join(_problems(bad))
    for needle in (
        ".name is deprecated",
        "managed_policy_arns",
        "`versioning` inline",
        "minimum_protocol_version",
        "lowercase",
    ):
        assert needle in problems
