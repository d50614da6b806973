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
    condition     = one(aws_backup_selection.this.selection_tag).key == "Backup"
    error_message = "Resources are selected by the Backup tag."
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

  assert {
    condition     = length([for r in aws_backup_plan.this.rule : r if length(r.copy_action) > 0]) == 2
    error_message = "Weekly and monthly recovery points are copied."
  }
}
