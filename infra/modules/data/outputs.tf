output "db_instance_identifier" {
  description = "Identifier of the DB instance (CloudWatch dimension `DBInstanceIdentifier`)."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the DB instance (AWS Backup selects it by tag or ARN)."
  value       = aws_db_instance.this.arn
}

output "db_instance_address" {
  description = "Host name of the DB instance itself (for administration; the app uses the proxy)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port."
  value       = local.port
}

output "database_name" {
  description = "Name of the application database (`APP_DATABASE_NAME`)."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret (JSON keys `username`, `password`). Only the migration task may read it (ADR 0056)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "master_user_secret_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the master user secret (readers need `kms:Decrypt` on it)."
  value       = var.kms_key_arn
}

output "proxy_endpoint" {
  description = "Endpoint of RDS Proxy (`APP_DATABASE_HOST`); TLS and IAM authentication are required."
  value       = aws_db_proxy.this.endpoint
}

output "proxy_name" {
  description = "Name of RDS Proxy (CloudWatch dimension `ProxyName`)."
  value       = aws_db_proxy.this.name
}

output "proxy_arn" {
  description = "ARN of RDS Proxy."
  value       = aws_db_proxy.this.arn
}

output "proxy_resource_id" {
  description = "Resource ID of RDS Proxy (`prx-...`, the last part of its ARN), used in `rds-db:connect` ARNs."
  value       = local.proxy_resource_id
}

output "app_db_username" {
  description = "PostgreSQL role the app logs in as (`APP_DATABASE_USER`, `APP_DATABASE_APP_ROLE`)."
  value       = var.app_db_username
}

output "app_db_user_arn" {
  description = "The `rds-db:connect` resource the app's task roles need: the app role behind RDS Proxy."
  value       = local.proxy_app_db_user_arn
}

output "db_security_group_id" {
  description = "Security group of the DB instance."
  value       = aws_security_group.db.id
}

output "proxy_security_group_id" {
  description = "Security group of RDS Proxy."
  value       = aws_security_group.proxy.id
}

output "multi_az" {
  description = "Whether the instance is Multi-AZ."
  value       = aws_db_instance.this.multi_az
}

output "deletion_protection" {
  description = "Whether the instance has deletion protection."
  value       = aws_db_instance.this.deletion_protection
}
