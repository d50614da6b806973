# Test fixture: the module as an environment calls it, with an alarm topic ARN that is unknown
# at plan (the topic is created in the same apply). `terraform_data.id` is unknown until apply,
# so a count/for_each that depends on the ARN fails this plan as it fails an environment's.

resource "terraform_data" "topic" {
  input = "alarms"
}

module "backup" {
  source = "../.."

  name                       = "tasktracker-test"
  kms_key_arn                = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  notification_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:${terraform_data.topic.id}"
  enable_notifications       = true
}

output "notification_events" {
  description = "What the module sends to the topic."
  value       = module.backup.notification_events
}
