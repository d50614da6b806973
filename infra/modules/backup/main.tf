data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  copy      = var.copy_to_region != null
}

################################################################################
# Vaults
################################################################################

resource "aws_backup_vault" "this" {
  name          = var.name
  kms_key_arn   = var.kms_key_arn
  force_destroy = var.force_destroy

  tags = { Name = var.name }
}

resource "aws_backup_vault_lock_configuration" "this" {
  count = var.vault_lock == null ? 0 : 1

  backup_vault_name   = aws_backup_vault.this.name
  min_retention_days  = var.vault_lock.min_retention_days
  max_retention_days  = var.vault_lock.max_retention_days
  changeable_for_days = var.vault_lock.changeable_for_days
}

resource "aws_backup_vault_notifications" "this" {
  count = var.notification_sns_topic_arn == null ? 0 : 1

  backup_vault_name   = aws_backup_vault.this.name
  sns_topic_arn       = var.notification_sns_topic_arn
  backup_vault_events = ["BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "COPY_JOB_FAILED", "RESTORE_JOB_FAILED"]
}

# Second region (provider v6 per-resource `region`: no provider alias needed).
resource "aws_kms_key" "copy" {
  #checkov:skip=CKV2_AWS_64:The default key policy (account root, delegating to IAM) is what AWS Backup copy jobs need; no service principal uses this key directly.
  count = local.copy && try(var.copy_to_region.kms_key_arn, null) == null ? 1 : 0

  region                  = var.copy_to_region.region
  description             = "${var.name} backup copies in ${var.copy_to_region.region}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = { Name = "${var.name}-backup-copy" }
}

resource "aws_backup_vault" "copy" {
  count = local.copy ? 1 : 0

  region        = var.copy_to_region.region
  name          = "${var.name}-copy"
  kms_key_arn   = coalesce(try(var.copy_to_region.kms_key_arn, null), try(aws_kms_key.copy[0].arn, null))
  force_destroy = var.force_destroy

  tags = { Name = "${var.name}-copy" }
}

################################################################################
# Plan and selection
################################################################################

resource "aws_backup_plan" "this" {
  name = var.name

  dynamic "rule" {
    for_each = var.rules

    content {
      rule_name         = rule.key
      target_vault_name = aws_backup_vault.this.name
      schedule          = rule.value.schedule
      start_window      = rule.value.start_window_minutes
      completion_window = rule.value.completion_window_hours * 60

      lifecycle {
        delete_after       = rule.value.delete_after_days
        cold_storage_after = rule.value.cold_storage_after_days
      }

      dynamic "copy_action" {
        for_each = local.copy && rule.value.copy_to_second_region ? [1] : []

        content {
          destination_vault_arn = aws_backup_vault.copy[0].arn

          lifecycle {
            delete_after       = rule.value.delete_after_days
            cold_storage_after = rule.value.cold_storage_after_days
          }
        }
      }

      recovery_point_tags = { Rule = rule.key }
    }
  }

  tags = { Name = var.name }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-backup-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = toset(["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"])

  role       = aws_iam_role.this.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/${each.value}"
}

resource "aws_backup_selection" "this" {
  name         = "${var.name}-by-tag"
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.this.arn

  selection_tag {
    type  = "STRINGEQUALS"
    key   = var.selection_tag.key
    value = var.selection_tag.value
  }
}
