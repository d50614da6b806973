output "vault_name" {
  description = "Name of the primary backup vault."
  value       = aws_backup_vault.this.name
}

output "vault_arn" {
  description = "ARN of the primary backup vault."
  value       = aws_backup_vault.this.arn
}

output "copy_vault_arn" {
  description = "ARN of the vault in the second region, or null when copies are off."
  value       = try(aws_backup_vault.copy[0].arn, null)
}

output "plan_id" {
  description = "ID of the backup plan."
  value       = aws_backup_plan.this.id
}

output "role_arn" {
  description = "ARN of the IAM role AWS Backup assumes for backups and restores."
  value       = aws_iam_role.this.arn
}

output "selection_tag" {
  description = "Tag that puts a resource under the plan (key and value)."
  value       = { key = var.selection_tag.key, value = local.selection_value }
}

output "copy_rule_names" {
  description = "Rules whose recovery points are copied to the second region (empty when copies are off)."
  value       = local.copy_rule_names
}

output "notification_events" {
  description = "What reaches the SNS topic: the vault events and the EventBridge rule's name (empty when notifications are off)."
  value = {
    vault_events = try(aws_backup_vault_notifications.this[0].backup_vault_events, [])
    event_rule   = try(aws_cloudwatch_event_rule.backup_failed[0].name, null)
  }
}

output "rule_names" {
  description = "Names of the backup plan's rules, sorted."
  value       = sort([for r in aws_backup_plan.this.rule : r.rule_name])
}
