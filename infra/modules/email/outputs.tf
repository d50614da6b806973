output "from_address" {
  description = "The sender address (APP_EMAIL_FROM_ADDRESS)."
  value       = local.from_address
}

output "configuration_set_name" {
  description = "The configuration set every message is sent with (APP_EMAIL_CONFIGURATION_SET)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "identity_arn" {
  description = "ARN of the SES domain identity."
  value       = aws_sesv2_email_identity.this.arn
}

output "send_policy_json" {
  description = "IAM policy that allows sending from from_address through this identity and configuration set, and nothing else (for the API's task role)."
  value       = jsonencode(local.send_policy)
}
