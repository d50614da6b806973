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
  value       = { key = var.selection_tag.key, value = var.selection_tag.value }
}
