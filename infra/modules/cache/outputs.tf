output "replication_group_id" {
  description = "ID of the replication group (CloudWatch dimension `ReplicationGroupId`)."
  value       = aws_elasticache_replication_group.this.id
}

output "replication_group_arn" {
  description = "ARN of the replication group."
  value       = aws_elasticache_replication_group.this.arn
}

output "member_clusters" {
  description = "Node (cache cluster) IDs, for per-node CloudWatch metrics (`CacheClusterId`)."
  value       = aws_elasticache_replication_group.this.member_clusters
}

output "primary_endpoint_address" {
  description = "Primary endpoint (`APP_REDIS_HOST`); TLS only (`APP_REDIS_TLS=true`)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Reader endpoint (spreads reads over the replicas)."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Cache port (`APP_REDIS_PORT`)."
  value       = local.port
}

output "auth_token_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the AUTH token under the JSON key `password` (`APP_REDIS_PASSWORD`)."
  value       = aws_secretsmanager_secret.auth_token.arn
}

output "security_group_id" {
  description = "Security group of the cache nodes."
  value       = aws_security_group.this.id
}

output "engine" {
  description = "Engine in use (`valkey` or `redis`)."
  value       = aws_elasticache_replication_group.this.engine
}

output "cache_cluster_ids" {
  description = "Node IDs (`<replication group id>-001`, `-002`, ...) derived from the configuration, so they are known at plan time and can key per-node alarms with for_each."
  value       = [for i in range(var.num_cache_clusters) : format("%s-%03d", local.id, i + 1)]
}

output "multi_az_enabled" {
  description = "Whether the replication group is Multi-AZ."
  value       = aws_elasticache_replication_group.this.multi_az_enabled
}

output "automatic_failover_enabled" {
  description = "Whether the replication group fails over automatically to a replica."
  value       = aws_elasticache_replication_group.this.automatic_failover_enabled
}
