# Runs where a terraform binary and the provider are available: `terraform test` in this folder.
# The alarm topic's ARN is unknown at plan, as in an environment that creates the topic in the
# same apply: the plan must still succeed (count/for_each known at plan). A literal ARN, as in
# cost.tftest.hcl, would hide that.
mock_provider "aws" {}

run "topic_arn_unknown_at_plan" {
  command = plan

  module {
    source = "./tests/unknown_topic"
  }

  assert {
    condition     = toset(output.anomaly_subscription_names) == toset(["tasktracker-test-immediate", "tasktracker-test-daily"])
    error_message = "Both anomaly subscriptions are planned although the topic ARN is not known yet."
  }

  assert {
    condition     = length(output.cost_allocation_tags) == 0
    error_message = "No cost allocation tag is activated by default."
  }
}
