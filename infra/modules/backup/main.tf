data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  copy      = var.copy_to_region != null

  # Resources are tagged `<selection_tag.key> = <selection_tag.value>`; the value defaults to
  # the plan's name, so two environments in one account never back up each other's resources.
  selection_value = coalesce(var.selection_tag.value, var.name)

  copy_rule_names = [for name, rule in var.rules : name if local.copy && rule.copy_to_second_region]
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

################################################################################
# Notifications (count on the known-at-plan flag, never on the topic ARN, which is unknown
# until the topic is created in the same apply)
################################################################################

# Vault events AWS Backup still sends (the *_JOB_FAILED/EXPIRED/SUCCESSFUL events of the API's
# list are deprecated and never fire): failed copies, and finished restores (any outcome; they
# are rare and started by a person, so every one is worth a message).
resource "aws_backup_vault_notifications" "this" {
  count = var.enable_notifications ? 1 : 0

  backup_vault_name   = aws_backup_vault.this.name
  sns_topic_arn       = var.notification_sns_topic_arn
  backup_vault_events = ["COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED"]
}

# Failed backup jobs. The vault event BACKUP_JOB_COMPLETED fires for every job, successful or
# not, and a subscription filter on its `State` attribute would also drop the alarm topic's
# CloudWatch messages (they carry no attributes), so failures come from EventBridge instead.
resource "aws_cloudwatch_event_rule" "backup_failed" {
  count = var.enable_notifications ? 1 : 0

  name        = "${var.name}-backup-failed"
  description = "AWS Backup jobs into the ${var.name} vault that failed, were aborted, expired or only partly completed"

  event_pattern = jsonencode({
    source        = ["aws.backup"]
    "detail-type" = ["Backup Job State Change"]
    detail = {
      state           = ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"]
      backupVaultName = [aws_backup_vault.this.name]
    }
  })

  tags = { Name = "${var.name}-backup-failed" }
}

resource "aws_cloudwatch_event_target" "backup_failed" {
  count = var.enable_notifications ? 1 : 0

  rule      = aws_cloudwatch_event_rule.backup_failed[0].name
  target_id = "alarm-topic"
  arn       = var.notification_sns_topic_arn
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

      # Set explicitly: left unset, this Optional+Computed flag is unknown at plan, and so is
      # every rule of the set (length, copy actions). True only where cold storage is asked for.
      lifecycle {
        delete_after                              = rule.value.delete_after_days
        cold_storage_after                        = rule.value.cold_storage_after_days
        opt_in_to_archive_for_supported_resources = rule.value.cold_storage_after_days != null
      }

      dynamic "copy_action" {
        for_each = local.copy && rule.value.copy_to_second_region ? [1] : []

        content {
          destination_vault_arn = aws_backup_vault.copy[0].arn

          lifecycle {
            delete_after                              = rule.value.delete_after_days
            cold_storage_after                        = rule.value.cold_storage_after_days
            opt_in_to_archive_for_supported_resources = rule.value.cold_storage_after_days != null
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
    value = local.selection_value
  }
}
