# Runs where a terraform binary and the provider are available: `terraform test` in this folder.
# The alarm topic's ARN is unknown at plan, as in an environment that creates the topic in the
# same apply: the plan must still succeed (count/for_each known at plan). A literal ARN would
# hide that.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

run "topic_arn_unknown_at_plan" {
  command = plan

  module {
    source = "./tests/unknown_topic"
  }

  assert {
    condition     = toset(output.notification_events.vault_events) == toset(["COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED"])
    error_message = "Vault notifications use events AWS Backup still sends."
  }

  assert {
    condition     = output.notification_events.event_rule == "tasktracker-test-backup-failed"
    error_message = "Failed backup jobs reach the topic through an EventBridge rule."
  }
}
