"""The rules bite: a compliant miniature environment passes, each deliberate break is reported;
and, once infra/envs/prod exists, a copy of prod with a rule broken fails the rule."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from spec_rules import (
    check_encryption,
    check_iam,
    check_multi_az,
    check_no_public_s3,
    check_private_placement,
    check_security_groups,
)
from tfeval import INFRA, env_ready, evaluate

# A miniature environment with just what the relational rules look at.
MINI = r"""
provider "aws" {
  region = var.region
  default_tags {
    tags = { Project = "tasktracker", Environment = var.env }
  }
}
variable "region" { type = string }
variable "env" { type = string }
variable "multi_az" { type = bool }
variable "azs" { type = list(string) }

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_kms_key" "data" { enable_key_rotation = true }
resource "aws_vpc" "this" { cidr_block = "10.0.0.0/16" }
resource "aws_internet_gateway" "this" { vpc_id = aws_vpc.this.id }
resource "aws_subnet" "public" {
  for_each          = { for i, az in var.azs : az => i }
  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, each.value)
}
resource "aws_subnet" "private" {
  for_each          = { for i, az in var.azs : az => i }
  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, 10 + each.value)
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}
resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "alb" { vpc_id = aws_vpc.this.id }
resource "aws_security_group" "ecs" { vpc_id = aws_vpc.this.id }
resource "aws_security_group" "proxy" { vpc_id = aws_vpc.this.id }
resource "aws_security_group" "db" { vpc_id = aws_vpc.this.id }
resource "aws_security_group" "cache" { vpc_id = aws_vpc.this.id }

resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
resource "aws_vpc_security_group_ingress_rule" "ecs_from_alb" {
  security_group_id            = aws_security_group.ecs.id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 8000
  to_port                      = 8000
}
resource "aws_vpc_security_group_ingress_rule" "proxy_from_ecs" {
  security_group_id            = aws_security_group.proxy.id
  referenced_security_group_id = aws_security_group.ecs.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}
resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.proxy.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}
resource "aws_vpc_security_group_ingress_rule" "cache_from_ecs" {
  security_group_id            = aws_security_group.cache.id
  referenced_security_group_id = aws_security_group.ecs.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_lb" "this" {
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = [for s in aws_subnet.public : s.id]
  enable_deletion_protection = true
}
resource "aws_ecs_service" "api" {
  name = "api"
  network_configuration {
    subnets          = [for s in aws_subnet.private : s.id]
    security_groups  = [aws_security_group.ecs.id]
    assign_public_ip = false
  }
}
resource "aws_db_proxy" "this" {
  require_tls            = true
  vpc_security_group_ids = [aws_security_group.proxy.id]
}
resource "aws_db_instance" "this" {
  instance_class         = "db.t4g.micro"
  multi_az               = var.multi_az
  deletion_protection    = true
  storage_encrypted      = true
  kms_key_id             = aws_kms_key.data.arn
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = "cache"
  description                = "cache"
  multi_az_enabled           = var.multi_az
  automatic_failover_enabled = var.multi_az
  num_cache_clusters         = 2
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_id                 = aws_kms_key.data.arn
  security_group_ids         = [aws_security_group.cache.id]
}

resource "aws_s3_bucket" "uploads" { bucket_prefix = "uploads-" }
resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket                  = aws_s3_bucket.uploads.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/*"]
  }
}
resource "aws_iam_role" "task" { assume_role_policy = "{}" }
resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
"""
TFVARS = 'region = "eu-west-1"\nenv = "prod"\nmulti_az = true\nazs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]\n'

RULES = (
    check_security_groups,
    check_multi_az,
    check_encryption,
    check_no_public_s3,
    check_private_placement,
    check_iam,
)


def mini_env(
    tmp_path: Path, extra: str = "", tfvars: str = TFVARS, replace: tuple[str, str] | None = None
):
    root = tmp_path / "envs" / "prod"
    root.mkdir(parents=True)
    text = MINI if replace is None else MINI.replace(*replace)
    assert replace is None or text != MINI, "replacement did not apply"
    (root / "main.tf").write_text(text + extra)
    (root / "terraform.tfvars").write_text(tfvars)
    return evaluate(root, "prod")


def violations(env, *rules) -> list[str]:
    return [v for rule in (rules or RULES) for v in rule(env)]


def test_compliant_miniature_passes(tmp_path):
    env = mini_env(tmp_path)
    # Only the relational rules apply to the miniature (it has no CloudFront, ECR, endpoints...).
    assert violations(env) == []


BREAKS = {
    "prod multi_az = false": (
        dict(tfvars=TFVARS.replace("multi_az = true", "multi_az = false")),
        check_multi_az,
        "multi_az must be true in prod",
    ),
    "0.0.0.0/0 ingress to the database": (
        dict(
            extra="""
resource "aws_vpc_security_group_ingress_rule" "db_open" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}"""
        ),
        check_security_groups,
        "only the ALB may take it",
    ),
    "cache reachable from the ALB": (
        dict(
            extra="""
resource "aws_security_group_rule" "cache_from_alb" {
  type                     = "ingress"
  security_group_id        = aws_security_group.cache.id
  source_security_group_id = aws_security_group.alb.id
  protocol                 = "tcp"
  from_port                = 6379
  to_port                  = 6379
}"""
        ),
        check_security_groups,
        "other than ECS tasks",
    ),
    "public ALB open to the internet": (
        dict(
            replace=(
                "prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id",
                'cidr_ipv4         = "0.0.0.0/0"',
            )
        ),
        check_security_groups,
        "accept only CloudFront's prefix list",
    ),
    "tasks in public subnets": (
        dict(
            replace=(
                "subnets          = [for s in aws_subnet.private : s.id]",
                "subnets          = [for s in aws_subnet.public : s.id]",
            )
        ),
        check_private_placement,
        "runs in public subnet",
    ),
    "public IP on tasks": (
        dict(replace=("assign_public_ip = false", "assign_public_ip = true")),
        check_private_placement,
        "assign_public_ip must be false",
    ),
    "database without CMK": (
        dict(replace=("  kms_key_id             = aws_kms_key.data.arn\n", "")),
        check_encryption,
        "customer-managed kms_key_id",
    ),
    "bucket without public access block": (
        dict(replace=("restrict_public_buckets = true", "restrict_public_buckets = false")),
        check_no_public_s3,
        "all four settings true",
    ),
    "IAM * on *": (
        dict(
            replace=(
                'actions   = ["s3:PutObject"]\n    resources = ["${aws_s3_bucket.uploads.arn}/*"]',
                'actions   = ["*"]\n    resources = ["*"]',
            )
        ),
        check_iam,
        "allows action * on resource *",
    ),
    "IAM * on * in jsonencode": (
        dict(
            replace=(
                "policy = data.aws_iam_policy_document.task.json",
                'policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
            )
        ),
        check_iam,
        "allows action * on resource *",
    ),
    "IAM user with access key": (
        dict(
            extra="""
resource "aws_iam_user" "ci" { name = "ci" }
resource "aws_iam_access_key" "ci" { user = aws_iam_user.ci.name }"""
        ),
        check_iam,
        "IAM users and access keys are not allowed",
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_broken_rule_is_reported(tmp_path, case):
    kwargs, rule, needle = BREAKS[case]
    env = mini_env(tmp_path, **kwargs)
    found = rule(env)
    assert any(needle in v for v in found), (
        f"{case}: expected a violation containing {needle!r}, got {found}"
    )


# --------------------------------------------------------------------------- the real prod


def _copy_infra(tmp_path: Path) -> Path:
    dest = tmp_path / "infra"
    shutil.copytree(INFRA / "modules", dest / "modules")
    shutil.copytree(INFRA / "envs" / "prod", dest / "envs" / "prod")
    return dest


def _file_with(root: Path, pattern: str) -> Path:
    for path in sorted(root.rglob("*.tf")):
        if re.search(pattern, path.read_text(), re.M):
            return path
    pytest.fail(f"no file matches {pattern!r}")


def test_prod_copy_with_single_az_database_fails(tmp_path):
    reason = env_ready(INFRA / "envs" / "prod")
    if reason:
        pytest.skip(reason)
    infra = _copy_infra(tmp_path)
    path = _file_with(infra / "modules", r'^resource "aws_db_instance"')
    text = path.read_text()
    broken = re.sub(r"(^\s*multi_az\s*=\s*).*$", r"\1false", text, count=1, flags=re.M)
    assert broken != text, "aws_db_instance has no multi_az argument"
    path.write_text(broken)
    env = evaluate(infra / "envs" / "prod", "prod")
    assert any("multi_az must be true in prod" in v for v in check_multi_az(env))


def test_prod_copy_with_open_database_fails(tmp_path):
    reason = env_ready(INFRA / "envs" / "prod")
    if reason:
        pytest.skip(reason)
    infra = _copy_infra(tmp_path)
    path = _file_with(infra / "modules", r'^resource "aws_db_instance"')
    text = path.read_text()
    m = re.search(
        r"^\s*vpc_security_group_ids\s*=\s*(.+)$",
        text[text.index('resource "aws_db_instance"') :],
        re.M,
    )
    assert m, "aws_db_instance has no vpc_security_group_ids"
    path.write_text(
        text
        + f"""
resource "aws_vpc_security_group_ingress_rule" "negative_test_open_db" {{
  for_each          = toset({m.group(1).strip()})
  security_group_id = each.value
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}}
"""
    )
    env = evaluate(infra / "envs" / "prod", "prod")
    assert any(
        "negative_test_open_db" in v and "only the ALB may take it" in v
        for v in check_security_groups(env)
    )
