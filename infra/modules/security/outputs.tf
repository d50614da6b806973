output "kms_key_arns" {
  description = "ARNs of the customer-managed KMS keys, by purpose (`data`, `logs`, `edge-logs`)."
  value       = { for k, key in aws_kms_key.this : k => key.arn }
}

output "data_kms_key_arn" {
  description = "ARN of the CMK for data at rest (RDS, ElastiCache, S3, SQS, ECR, Secrets Manager, AWS Backup)."
  value       = aws_kms_key.this["data"].arn
}

output "logs_kms_key_arn" {
  description = "ARN of the CMK for logs and notifications (CloudWatch Logs, CloudTrail, AWS Config, SNS)."
  value       = aws_kms_key.this["logs"].arn
}

output "edge_logs_kms_key_arn" {
  description = "ARN of the us-east-1 CMK for edge logs (CLOUDFRONT-scope WAF logging), or null when create_edge_logs_key is false."
  value       = try(aws_kms_key.this["edge-logs"].arn, null)
}

output "kms_alias_names" {
  description = "KMS alias names, by purpose."
  value       = { for k, alias in aws_kms_alias.this : k => alias.name }
}

output "guardduty_detector_id" {
  description = "ID of the GuardDuty detector, or null when this stack does not manage it."
  value       = try(aws_guardduty_detector.this[0].id, null)
}

output "securityhub_standards_arns" {
  description = "ARNs of the Security Hub standards subscriptions."
  value       = [for s in aws_securityhub_standards_subscription.this : s.id]
}

output "audit_bucket_name" {
  description = "Name of the audit bucket holding CloudTrail and AWS Config files, or null."
  value       = try(aws_s3_bucket.audit[0].id, null)
}

output "cloudtrail_arn" {
  description = "ARN of the multi-region CloudTrail trail, or null."
  value       = try(aws_cloudtrail.this[0].arn, null)
}

output "cloudtrail_log_group_name" {
  description = "CloudWatch Logs group receiving the trail (for metric filters), or null."
  value       = try(aws_cloudwatch_log_group.cloudtrail[0].name, null)
}

output "config_recorder_name" {
  description = "Name of the AWS Config recorder, or null."
  value       = try(aws_config_configuration_recorder.this[0].name, null)
}
