"""The rules bite: a copy of prod, broken on purpose, planned by the real Terraform against the
stand-in, makes each rule report the breakage, and only the breakage.

One plan holds every breakage (the rules are independent of each other), so this costs a
single extra plan: prod's tfvars with a single-AZ database, and a file of resources that break
the rules, wired to prod's real modules (the open database rule points at the database module's
security group through its output, the public bucket's policy is built from an ARN unknown at
plan, an inline policy is `jsonencode` of unknowns...). test_checkov.py reuses the same plan.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from plans import PLAN_VARIABLES, Plan
from spec_rules import (
    RULES,
    Model,
    check_edge,
    check_encryption,
    check_iam,
    check_multi_az,
    check_no_public_s3,
    check_private_placement,
    check_security_groups,
)
from terraform import Workspace

# The plans take minutes on a loaded machine: the first test that needs one waits for it.
pytestmark = pytest.mark.timeout(1800)

BROKEN_DIR = "envs/prod-negative"
TFVARS_BREAK = ("multi_az                     = true", "multi_az                     = false")

NEGATIVE_TF = r"""
# Breakages for infra/tests/test_rules_negative.py: every resource here violates a rule.
resource "aws_vpc_security_group_ingress_rule" "negative_open_database" {
  security_group_id = module.data.db_security_group_id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}

resource "aws_vpc_security_group_ingress_rule" "negative_cache_from_alb" {
  security_group_id            = module.cache.security_group_id
  referenced_security_group_id = module.compute.alb_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_iam_user" "negative_ci" {
  name = "negative-ci"
}

data "aws_iam_policy_document" "negative_admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "negative_admin" {
  name   = "negative-admin"
  policy = data.aws_iam_policy_document.negative_admin.json
}

resource "aws_iam_role" "negative" {
  name = "negative"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "negative_opaque" {
  role = aws_iam_role.negative.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.negative_open.arn }]
  })
}

resource "aws_s3_bucket" "negative_open" {
  bucket = "taskapp-prod-negative-open"
}

data "aws_iam_policy_document" "negative_public" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.negative_open.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "negative_open" {
  bucket = aws_s3_bucket.negative_open.id
  policy = data.aws_iam_policy_document.negative_public.json
}

resource "aws_sqs_queue" "negative_plain" {
  name = "taskapp-prod-negative-plain"
}

resource "aws_db_proxy" "negative_plain" {
  name           = "taskapp-prod-negative"
  engine_family  = "POSTGRESQL"
  role_arn       = aws_iam_role.negative.arn
  vpc_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"]
  require_tls    = false
  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "REQUIRED"
    secret_arn  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:negative"
  }
}

resource "aws_elasticache_replication_group" "negative_single" {
  replication_group_id       = "taskapp-prod-negative"
  description                = "negative"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  multi_az_enabled           = false
  automatic_failover_enabled = false
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_id                 = module.security.data_kms_key_arn
  security_group_ids         = [module.cache.security_group_id]
}

resource "aws_ecs_task_definition" "negative_writable" {
  family = "taskapp-prod-negative"
  container_definitions = jsonencode([
    { name = "app", image = "public.ecr.aws/docker/library/busybox:latest", essential = true, readonlyRootFilesystem = false }
  ])
}

resource "aws_cloudfront_distribution" "negative_weak" {
  enabled = true
  origin {
    domain_name = "origin.example.com"
    origin_id   = "origin"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "origin"
    viewer_protocol_policy = "allow-all"
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
    minimum_protocol_version       = "TLSv1"
  }
}

resource "aws_ecs_service" "negative_public" {
  name            = "taskapp-prod-negative"
  task_definition = aws_ecs_task_definition.negative_writable.arn
  network_configuration {
    subnets          = module.network.public_subnet_ids
    security_groups  = [module.compute.api_security_group_id]
    assign_public_ip = true
  }
}
"""

# rule -> substrings that must each appear in one of its violations
EXPECTED = {
    check_multi_az: [
        "module.data.aws_db_instance.this: multi_az must be true in prod",
        "aws_elasticache_replication_group.negative_single: multi_az_enabled and automatic_failover_enabled",
        "aws_elasticache_replication_group.negative_single: prod needs at least 2 cache nodes",
    ],
    check_security_groups: [
        "aws_vpc_security_group_ingress_rule.negative_open_database: internet ingress to "
        "module.data.aws_security_group.db",
        "aws_vpc_security_group_ingress_rule.negative_cache_from_alb: "
        "module.cache.aws_security_group.this accepts traffic from something other than ECS tasks",
    ],
    check_iam: [
        "aws_iam_user.negative_ci: IAM users and access keys are not allowed",
        "data.aws_iam_policy_document.negative_admin: allows action * on resource *",
        "aws_iam_policy.negative_admin: allows action * on resource *",
        "aws_iam_role_policy.negative_opaque: policy is unknown at plan and not built from an "
        "aws_iam_policy_document",
    ],
    check_no_public_s3: [
        "aws_s3_bucket.negative_open: needs a public access block",
        "aws_s3_bucket_policy.negative_open: allows any (or an unknown) principal",
    ],
    check_encryption: [
        "aws_s3_bucket.negative_open: no aws_s3_bucket_server_side_encryption_configuration",
        "aws_sqs_queue.negative_plain: kms_master_key_id (CMK) required: not set",
    ],
    check_private_placement: [
        "aws_ecs_service.negative_public: assign_public_ip must be false",
        "aws_ecs_service.negative_public: runs in public subnet module.network.aws_subnet.public",
    ],
    check_edge: [
        "aws_db_proxy.negative_plain: require_tls must be true",
        "aws_cloudfront_distribution.negative_weak: minimum_protocol_version must be TLSv1.2_2021",
        "aws_cloudfront_distribution.negative_weak: viewer_protocol_policy must be",
        "aws_cloudfront_distribution.negative_weak: web_acl_id (WAF) required",
    ],
}


def plan_copy(workspace: Workspace, directory: str, variables: list[str]) -> Plan:
    """Plan a copied environment root of the workspace and read it back with show -json."""
    root = workspace.root / directory
    # The copy keeps the workspace's backend_override.tf (local state, see terraform.py).
    assert (root / "backend_override.tf").exists(), "the workspace no longer overrides the backend"
    workspace.init(root).check()
    workspace.run(
        root, "plan", "-refresh=false", "-no-color", "-out=negative.tfplan", *variables
    ).check()
    shown = workspace.run(root, "show", "-json", "negative.tfplan").check()
    json_path = workspace.root.parent / "plans" / f"{Path(directory).name}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(shown.stdout)
    return Plan(env="prod", json_path=json_path, document=json.loads(shown.stdout))


@pytest.fixture(scope="session")
def broken_prod(workspace: Workspace) -> tuple[Plan, Path]:
    """prod, broken on purpose (see NEGATIVE_TF and TFVARS_BREAK), planned once per session."""
    source, root = workspace.root / "envs" / "prod", workspace.root / BROKEN_DIR
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(
        source, root, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "*.tfplan")
    )
    tfvars = root / "terraform.tfvars"
    text = tfvars.read_text()
    assert TFVARS_BREAK[0] in text, "prod's tfvars no longer set db.multi_az = true"
    tfvars.write_text(text.replace(*TFVARS_BREAK))
    (root / "negative.tf").write_text(NEGATIVE_TF)
    return plan_copy(workspace, BROKEN_DIR, PLAN_VARIABLES["prod"]), root


@pytest.fixture(scope="module")
def broken_model(broken_prod: tuple[Plan, Path]) -> Model:
    plan, root = broken_prod
    return Model(plan, root_dir=root)


@pytest.mark.parametrize("rule", list(EXPECTED), ids=lambda r: r.__name__)
def test_rule_reports_the_breakage(broken_model: Model, rule) -> None:
    found = rule(broken_model)
    missing = [needle for needle in EXPECTED[rule] if not any(needle in v for v in found)]
    assert not missing, f"{rule.__name__} did not report {missing}; it reported:\n" + "\n".join(
        found
    )


def test_only_the_breakages_are_reported(broken_model: Model) -> None:
    """Every violation in the broken copy is one of the breakages: the rules are precise."""
    unexpected = [
        v
        for name, rule in RULES.items()
        for v in rule(broken_model)
        if "negative" not in v and "module.data.aws_db_instance.this: multi_az" not in v
    ]
    assert not unexpected, "\n".join(unexpected)
