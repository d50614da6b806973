# Runs where a terraform binary and the provider are available: `terraform test` in this folder.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name        = "tasktracker-test"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "single_region" {
  command = plan

  # Every attribute of the rules is known at plan (opt_in_to_archive_for_supported_resources is
  # set explicitly), so the set's length is known too.
  assert {
    condition     = length(aws_backup_plan.this.rule) == 3
    error_message = "Daily, weekly and monthly rules."
  }

  assert {
    condition     = length(aws_backup_vault.copy) == 0 && alltrue([for r in aws_backup_plan.this.rule : length(r.copy_action) == 0])
    error_message = "No copies without copy_to_region."
  }

  assert {
    condition     = aws_backup_vault.this.kms_key_arn == var.kms_key_arn
    error_message = "The vault is encrypted with the CMK."
  }

  assert {
    condition     = one(aws_backup_selection.this.selection_tag).key == "Backup" && one(aws_backup_selection.this.selection_tag).value == "tasktracker-test"
    error_message = "Resources are selected by a Backup tag whose value is the plan's own name (no cross-environment selection)."
  }

  assert {
    condition     = length(aws_backup_vault_notifications.this) == 0 && length(aws_cloudwatch_event_rule.backup_failed) == 0
    error_message = "No notifications without enable_notifications."
  }
}

run "copy_to_second_region" {
  command = plan

  variables {
    copy_to_region = { region = "us-west-2" }
  }

  assert {
    condition     = aws_backup_vault.copy[0].region == "us-west-2" && aws_kms_key.copy[0].region == "us-west-2"
    error_message = "The copy vault and its key live in the second region."
  }

  # The copy actions hold the copy vault's ARN, unknown at plan: assert on the known rule names.
  assert {
    condition     = toset(output.copy_rule_names) == toset(["weekly", "monthly"])
    error_message = "Weekly and monthly recovery points are copied."
  }
}

run "topic_without_flag_is_rejected" {
  command = plan

  variables {
    notification_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:tasktracker-test-alarms"
  }

  expect_failures = [var.enable_notifications]
}
