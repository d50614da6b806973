# Test fixture: the module as an environment calls it, with an alarm topic ARN that is unknown
# at plan (the topic is created in the same apply). `terraform_data.id` is unknown until apply,
# so a count/for_each that depends on the ARN fails this plan as it fails an environment's.

resource "terraform_data" "topic" {
  input = "alarms"
}

module "cost" {
  source = "../.."

  name                     = "tasktracker-test"
  monthly_budget_usd       = 150
  notification_emails      = ["ops@example.com"]
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:${terraform_data.topic.id}"
  enable_sns_notifications = true
  cost_filter_tag          = { key = "Environment", value = "dev" }
}

output "anomaly_subscription_names" {
  description = "Names of the module's anomaly subscriptions."
  value       = module.cost.anomaly_subscription_names
}

output "cost_allocation_tags" {
  description = "Tag keys the module activates."
  value       = module.cost.cost_allocation_tags
}
