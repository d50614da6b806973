data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  create_audit_bucket = var.create_cloudtrail || var.create_config
  trail_name          = "${var.name}-trail"
  # Built by hand (not read from the trail) so the bucket policy does not depend on the trail.
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  # CloudFront-scope WAF logs (and other edge logs) live in us-east-1; a KMS key must be in
  # the log group's region, so the edge gets its own key there (provider v6 per-resource region).
  all_kms_keys = {
    data        = { region = local.region, logs = false, description = "Data at rest: RDS, ElastiCache, S3 uploads/exports, SQS, ECR, Secrets Manager, AWS Backup" }
    logs        = { region = local.region, logs = true, description = "Logs and notifications: CloudWatch Logs, CloudTrail, AWS Config, SNS alarm topics" }
    "edge-logs" = { region = "us-east-1", logs = true, description = "Edge logs in us-east-1: CloudFront-scope WAF logging" }
  }
  kms_keys = { for k, v in local.all_kms_keys : k => v if k != "edge-logs" || var.create_edge_logs_key }
}

################################################################################
# KMS customer-managed keys
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:Key policy: Resource "*" means this key only; the root statement delegates to IAM, which is AWS's required default.
  #checkov:skip=CKV_AWS_111:Key policy: Resource "*" means this key only.
  #checkov:skip=CKV_AWS_356:Key policy: Resource "*" means this key only.
  for_each = local.kms_keys

  statement {
    sid       = "EnableIamPolicies"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = length(var.kms_key_administrator_arns) > 0 ? [1] : []

    content {
      sid = "KeyAdministrators"
      actions = [
        "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
        "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
        "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
      ]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.kms_key_administrator_arns
      }
    }
  }

  dynamic "statement" {
    for_each = each.value.logs ? [each.value.region] : []

    content {
      sid       = "CloudWatchLogs"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${statement.value}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${statement.value}:${local.account_id}:log-group:*"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []

    content {
      sid       = "CloudTrailEncrypt"
      actions   = ["kms:GenerateDataKey*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:cloudtrail:arn"
        values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = [local.trail_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []

    content {
      sid       = "CloudTrailDescribe"
      actions   = ["kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []

    content {
      # Every AWS service that publishes to the KMS-encrypted alarm topic (observability module):
      # CloudWatch alarms, AWS Budgets, Cost Anomaly Detection, AWS Backup vault notifications
      # and EventBridge rules (backup failures). No aws:SourceAccount/SourceArn condition here:
      # AWS documents none for these KMS calls (made through SNS), and a condition the request
      # does not carry silently drops every alert. The topic policy carries the confused-deputy
      # conditions.
      sid       = "NotificationPublishers"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]

      principals {
        type = "Service"
        identifiers = [
          "cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com",
          "backup.amazonaws.com", "events.amazonaws.com",
        ]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = local.kms_keys

  region                  = each.value.region
  description             = "${var.name} ${each.key}: ${each.value.description}"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms[each.key].json

  tags = { Name = "${var.name}-${each.key}" }
}

resource "aws_kms_alias" "this" {
  for_each = local.kms_keys

  region        = each.value.region
  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

################################################################################
# GuardDuty
################################################################################

resource "aws_guardduty_detector" "this" {
  #checkov:skip=CKV2_AWS_3:Single-account design: the detector is enabled per account and region here; delegating to an Organizations administrator is the organisation's choice (ADR 0051).
  count = var.create_guardduty ? 1 : 0

  enable                       = true
  finding_publishing_frequency = var.guardduty_finding_publishing_frequency

  tags = { Name = "${var.name}-guardduty" }
}

resource "aws_guardduty_detector_feature" "this" {
  for_each = var.create_guardduty ? var.guardduty_features : {}

  detector_id = aws_guardduty_detector.this[0].id
  name        = each.key
  status      = each.value.status

  dynamic "additional_configuration" {
    for_each = each.value.additional_configuration

    content {
      name   = additional_configuration.key
      status = additional_configuration.value
    }
  }
}

################################################################################
# Inspector
################################################################################

resource "aws_inspector2_enabler" "this" {
  count = var.create_inspector ? 1 : 0

  account_ids    = [local.account_id]
  resource_types = var.inspector_resource_types
}

################################################################################
# Security Hub
################################################################################

resource "aws_securityhub_account" "this" {
  count = var.create_securityhub ? 1 : 0

  enable_default_standards  = false
  control_finding_generator = "SECURITY_CONTROL"
  auto_enable_controls      = true
}

resource "aws_securityhub_standards_subscription" "this" {
  for_each = var.create_securityhub ? toset(var.securityhub_standards) : toset([])

  standards_arn = "arn:${local.partition}:securityhub:${local.region}::standards/${each.value}"

  depends_on = [aws_securityhub_account.this]
}

################################################################################
# Audit bucket (CloudTrail + AWS Config)
################################################################################

resource "aws_s3_bucket" "audit" {
  #checkov:skip=CKV_AWS_18:This is the audit log bucket; logging it to itself would loop, and CloudTrail data events are out of scope.
  #checkov:skip=CKV_AWS_144:Cross-region replication of audit logs is left to the organisation's log-archive account.
  #checkov:skip=CKV2_AWS_62:No consumer for object-created events on audit logs.
  count = local.create_audit_bucket ? 1 : 0

  bucket_prefix = "${var.name}-audit-"
  force_destroy = var.audit_bucket_force_destroy

  tags = { Name = "${var.name}-audit" }
}

resource "aws_s3_bucket_public_access_block" "audit" {
  count = local.create_audit_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.audit[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "audit" {
  count = local.create_audit_bucket ? 1 : 0

  bucket = aws_s3_bucket.audit[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "audit" {
  count = local.create_audit_bucket ? 1 : 0

  bucket = aws_s3_bucket.audit[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit" {
  count = local.create_audit_bucket ? 1 : 0

  bucket = aws_s3_bucket.audit[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this["logs"].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "audit" {
  count = local.create_audit_bucket ? 1 : 0

  bucket = aws_s3_bucket.audit[0].id

  rule {
    id     = "retention"
    status = "Enabled"

    filter {}

    transition {
      days          = 90
      storage_class = "GLACIER_IR"
    }

    expiration {
      days = var.audit_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.audit]
}

data "aws_iam_policy_document" "audit_bucket" {
  count = local.create_audit_bucket ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.audit[0].arn, "${aws_s3_bucket.audit[0].arn}/*"]

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

  dynamic "statement" {
    for_each = var.create_cloudtrail ? [1] : []

    content {
      sid       = "CloudTrailAclCheck"
      actions   = ["s3:GetBucketAcl"]
      resources = [aws_s3_bucket.audit[0].arn]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = [local.trail_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = var.create_cloudtrail ? [1] : []

    content {
      sid       = "CloudTrailWrite"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.audit[0].arn}/cloudtrail/AWSLogs/${local.account_id}/*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "s3:x-amz-acl"
        values   = ["bucket-owner-full-control"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = [local.trail_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = var.create_config ? [1] : []

    content {
      sid       = "ConfigBucketCheck"
      actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
      resources = [aws_s3_bucket.audit[0].arn]

      principals {
        type        = "Service"
        identifiers = ["config.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = var.create_config ? [1] : []

    content {
      sid       = "ConfigWrite"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.audit[0].arn}/config/AWSLogs/${local.account_id}/Config/*"]

      principals {
        type        = "Service"
        identifiers = ["config.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "s3:x-amz-acl"
        values   = ["bucket-owner-full-control"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "audit" {
  count = local.create_audit_bucket ? 1 : 0

  bucket = aws_s3_bucket.audit[0].id
  policy = data.aws_iam_policy_document.audit_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.audit]
}

################################################################################
# CloudTrail
################################################################################

resource "aws_cloudwatch_log_group" "cloudtrail" {
  count = var.create_cloudtrail ? 1 : 0

  name              = "/aws/cloudtrail/${var.name}"
  retention_in_days = var.cloudtrail_log_group_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn

  tags = { Name = "${var.name}-cloudtrail" }
}

data "aws_iam_policy_document" "cloudtrail_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_iam_role" "cloudtrail" {
  count = var.create_cloudtrail ? 1 : 0

  name_prefix        = "${var.name}-trail-"
  assume_role_policy = data.aws_iam_policy_document.cloudtrail_assume.json
}

data "aws_iam_policy_document" "cloudtrail_logs" {
  count = var.create_cloudtrail ? 1 : 0

  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.cloudtrail[0].arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "cloudtrail" {
  count = var.create_cloudtrail ? 1 : 0

  name   = "cloudwatch-logs"
  role   = aws_iam_role.cloudtrail[0].id
  policy = data.aws_iam_policy_document.cloudtrail_logs[0].json
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_252:Trail delivery notifications are not consumed; findings flow through Security Hub and the CloudWatch Logs group.
  count = var.create_cloudtrail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.audit[0].id
  s3_key_prefix                 = "cloudtrail"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.this["logs"].arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.cloudtrail[0].arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.cloudtrail[0].arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags = { Name = local.trail_name }

  depends_on = [aws_s3_bucket_policy.audit, aws_iam_role_policy.cloudtrail]
}

################################################################################
# AWS Config
################################################################################

data "aws_iam_policy_document" "config_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "config" {
  count = var.create_config ? 1 : 0

  name_prefix        = "${var.name}-config-"
  assume_role_policy = data.aws_iam_policy_document.config_assume.json
}

resource "aws_iam_role_policy_attachment" "config" {
  count = var.create_config ? 1 : 0

  role       = aws_iam_role.config[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
}

data "aws_iam_policy_document" "config_delivery" {
  count = var.create_config ? 1 : 0

  statement {
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.audit[0].arn}/config/AWSLogs/${local.account_id}/Config/*"]
  }

  statement {
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.audit[0].arn]
  }

  statement {
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.this["logs"].arn]
  }
}

resource "aws_iam_role_policy" "config" {
  count = var.create_config ? 1 : 0

  name   = "delivery"
  role   = aws_iam_role.config[0].id
  policy = data.aws_iam_policy_document.config_delivery[0].json
}

resource "aws_config_configuration_recorder" "this" {
  count = var.create_config ? 1 : 0

  name     = var.name
  role_arn = aws_iam_role.config[0].arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }

  # First apply: the recorder and the delivery channel are checked against the role's
  # permissions when they are created; wait for the managed and inline policies.
  depends_on = [aws_iam_role_policy_attachment.config, aws_iam_role_policy.config]
}

resource "aws_config_delivery_channel" "this" {
  count = var.create_config ? 1 : 0

  name           = var.name
  s3_bucket_name = aws_s3_bucket.audit[0].id
  s3_key_prefix  = "config"
  s3_kms_key_arn = aws_kms_key.this["logs"].arn

  snapshot_delivery_properties {
    delivery_frequency = var.config_snapshot_delivery_frequency
  }

  depends_on = [aws_config_configuration_recorder.this, aws_s3_bucket_policy.audit]
}

resource "aws_config_configuration_recorder_status" "this" {
  count = var.create_config ? 1 : 0

  name       = aws_config_configuration_recorder.this[0].name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}

resource "aws_config_conformance_pack" "this" {
  count = var.create_config ? 1 : 0

  name          = "${var.name}-spec"
  template_body = coalesce(var.config_conformance_pack_template, file("${path.module}/conformance-pack.yaml"))

  depends_on = [aws_config_configuration_recorder_status.this]
}
