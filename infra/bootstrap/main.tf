data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  state_bucket_name = coalesce(var.state_bucket_name, "${var.project}-tfstate-${local.account_id}-${local.region}")

  oidc_host         = "token.actions.githubusercontent.com"
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.existing_oidc_provider_arn

  # Resource names the environments create (infra/modules/compute and edge derive them the
  # same way from "<project>-<environment>"). The deploy role is limited to exactly these.
  envs = {
    for env, cfg in var.environments : env => {
      name   = "${var.project}-${env}"
      region = cfg.region
      arn_prefix = {
        ecs  = "arn:${local.partition}:ecs:${cfg.region}:${local.account_id}"
        ecr  = "arn:${local.partition}:ecr:${cfg.region}:${local.account_id}"
        iam  = "arn:${local.partition}:iam::${local.account_id}"
        ssm  = "arn:${local.partition}:ssm:${cfg.region}:${local.account_id}"
        logs = "arn:${local.partition}:logs:${cfg.region}:${local.account_id}"
      }
    }
  }
}

################################################################################
# State bucket (S3 backend with native locking: `use_lockfile = true`)
################################################################################

data "aws_iam_policy_document" "state_kms" {
  #checkov:skip=CKV_AWS_109:Key policy: Resource "*" means this key only; the root statement delegates to IAM, which is AWS's required default.
  #checkov:skip=CKV_AWS_111:Key policy: Resource "*" means this key only.
  #checkov:skip=CKV_AWS_356:Key policy: Resource "*" means this key only.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "state" {
  description             = "${var.project} Terraform state"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.state_kms.json

  tags = {
    Name = "${var.project}-tfstate"
  }
}

resource "aws_kms_alias" "state" {
  name          = "alias/${var.project}-tfstate"
  target_key_id = aws_kms_key.state.key_id
}

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_144:State is versioned and KMS-encrypted in-region; replicate it if the account's DR plan asks for it.
  #checkov:skip=CKV_AWS_18:Access to the state is audited by CloudTrail data events, not server access logs.
  #checkov:skip=CKV2_AWS_62:No event notifications are needed on the state bucket.
  bucket = local.state_bucket_name

  tags = {
    Name = local.state_bucket_name
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.state.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days           = var.state_noncurrent_version_days
      newer_noncurrent_versions = 10
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

data "aws_iam_policy_document" "state_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.state.arn,
      "${aws_s3_bucket.state.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # The deploy roles run the deploy tool, not Terraform: keep them out of the state.
  statement {
    sid     = "DenyDeployRoles"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.state.arn,
      "${aws_s3_bucket.state.arn}/*",
    ]

    principals {
      type        = "AWS"
      identifiers = [for r in aws_iam_role.deploy : r.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}

################################################################################
# GitHub Actions OIDC provider (one per account)
################################################################################

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]

  tags = {
    Name = "github-actions"
  }
}

################################################################################
# Deploy roles: one per environment, assumable only by this repository's GitHub
# environment of the same name, allowed only what the deploy tool does.
################################################################################

data "aws_iam_policy_document" "deploy_trust" {
  for_each = local.envs

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = ["repo:${var.github_repository}:environment:${each.key}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  for_each = local.envs

  name                 = "${each.value.name}-deploy"
  description          = "GitHub Actions deploy role of ${each.key}: push the image, run migrations, update the services, publish the site"
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust[each.key].json
  max_session_duration = 3600

  tags = {
    Name = "${each.value.name}-deploy"
  }
}

data "aws_iam_policy_document" "deploy" {
  for_each = local.envs

  # Registry login has no resource-level permissions.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPushThisRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:DescribeImageScanFindings",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = ["${each.value.arn_prefix.ecr}:repository/${each.value.name}"]
  }

  # Task definition registration and reads have no resource-level permissions.
  statement {
    sid = "TaskDefinitions"
    actions = [
      "ecs:DescribeTaskDefinition",
      "ecs:RegisterTaskDefinition",
    ]
    resources = ["*"]
  }

  statement {
    sid = "UpdateTheseServices"
    actions = [
      "ecs:DescribeServices",
      "ecs:UpdateService",
      "ecs:ListServiceDeployments",
    ]
    resources = [
      "${each.value.arn_prefix.ecs}:service/${each.value.name}/${each.value.name}-api",
      "${each.value.arn_prefix.ecs}:service/${each.value.name}/${each.value.name}-worker",
    ]
  }

  statement {
    sid = "WatchDeployments"
    actions = [
      "ecs:DescribeServiceDeployments",
      "ecs:DescribeServiceRevisions",
    ]
    resources = [
      "${each.value.arn_prefix.ecs}:service-deployment/${each.value.name}/*",
      "${each.value.arn_prefix.ecs}:service-revision/${each.value.name}/*",
    ]
  }

  # Migrations: a one-off task of the migration family (ADR 0056; the API family before it),
  # in this cluster only.
  statement {
    sid     = "RunMigrationTask"
    actions = ["ecs:RunTask"]
    resources = [
      "${each.value.arn_prefix.ecs}:task-definition/${each.value.name}-migrate:*",
      "${each.value.arn_prefix.ecs}:task-definition/${each.value.name}-api:*",
    ]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = ["${each.value.arn_prefix.ecs}:cluster/${each.value.name}"]
    }
  }

  statement {
    sid       = "WatchMigrationTask"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = ["${each.value.arn_prefix.ecs}:task/${each.value.name}/*"]
  }

  statement {
    sid       = "ReadMigrationLogs"
    actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = ["${each.value.arn_prefix.logs}:log-group:/ecs/${each.value.name}/api:*"]
  }

  statement {
    sid     = "PassTaskRoles"
    actions = ["iam:PassRole"]
    resources = [
      "${each.value.arn_prefix.iam}:role/${each.value.name}-task-exec",
      "${each.value.arn_prefix.iam}:role/${each.value.name}-migrate-exec",
      "${each.value.arn_prefix.iam}:role/${each.value.name}-api-task",
      "${each.value.arn_prefix.iam}:role/${each.value.name}-worker-task",
    ]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadDeployManifest"
    actions   = ["ssm:GetParameter"]
    resources = ["${each.value.arn_prefix.ssm}:parameter/${each.value.name}/deploy/manifest"]
  }

  statement {
    sid       = "ListSiteBucket"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${each.value.name}-site-${local.account_id}"]
  }

  statement {
    sid       = "PublishSite"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
    resources = ["arn:${local.partition}:s3:::${each.value.name}-site-${local.account_id}/*"]
  }

  # The site bucket is SSE-KMS with the edge module's key (its policy delegates to IAM). The
  # key's ARN is not known here, so any key of the account, but only used by S3 for this bucket.
  statement {
    sid       = "EncryptSiteObjects"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["arn:${local.partition}:kms:${each.value.region}:${local.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${each.value.region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = ["arn:${local.partition}:s3:::${each.value.name}-site-${local.account_id}*"]
    }
  }

  dynamic "statement" {
    for_each = contains(keys(var.cloudfront_distribution_ids), each.key) ? [var.cloudfront_distribution_ids[each.key]] : []

    content {
      sid       = "InvalidateThisDistribution"
      actions   = ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
      resources = ["arn:${local.partition}:cloudfront::${local.account_id}:distribution/${statement.value}"]
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  for_each = local.envs

  name   = "deploy"
  role   = aws_iam_role.deploy[each.key].id
  policy = data.aws_iam_policy_document.deploy[each.key].json
}
