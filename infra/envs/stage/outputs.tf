# Everything the deploy tool (ops/) needs, read with `terraform output -json`.

output "environment" {
  description = "Environment name."
  value       = var.environment
}

output "region" {
  description = "AWS Region of the environment."
  value       = var.region
}

output "site_url" {
  description = "URL of the site."
  value       = module.edge.site_url
}

output "api_url" {
  description = "Base URL of the API (through CloudFront)."
  value       = module.edge.api_url
}

output "ecr_repository_url" {
  description = "ECR repository for the app image (immutable tags)."
  value       = module.compute.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.compute.cluster_name
}

output "api_service_name" {
  description = "ECS service of the API."
  value       = module.compute.api_service_name
}

output "worker_service_name" {
  description = "ECS service of the export worker."
  value       = module.compute.worker_service_name
}

output "api_task_definition_family" {
  description = "Task definition family of the API (the deploy tool registers revisions with the new image)."
  value       = module.compute.api_task_definition_family
}

output "worker_task_definition_family" {
  description = "Task definition family of the export worker."
  value       = module.compute.worker_task_definition_family
}

output "app_container_name" {
  description = "Container whose image the deploy tool replaces."
  value       = module.compute.app_container_name
}

output "migration" {
  description = "One-off migration task settings: cluster, family, container, command, subnets, security groups."
  value       = module.compute.migration
}

output "deployment_strategy" {
  description = "API deployment strategy."
  value       = module.compute.deployment_strategy
}

output "site_bucket_name" {
  description = "Bucket the frontend build is published to."
  value       = module.edge.site_bucket_name
}

output "uploads_bucket_name" {
  description = "Uploads/exports bucket of the app."
  value       = module.storage.bucket_name
}

output "log_bucket_name" {
  description = "Access log bucket."
  value       = module.storage.log_bucket_name
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution to invalidate after publishing the frontend (give it to the bootstrap's `cloudfront_distribution_ids`)."
  value       = module.edge.distribution_id
}

output "export_queue_url" {
  description = "SQS queue of export jobs."
  value       = module.queue.queue_url
}

output "database_proxy_endpoint" {
  description = "RDS Proxy endpoint (TLS required)."
  value       = module.data.proxy_endpoint
}

output "cache_primary_endpoint" {
  description = "Primary endpoint of the cache (TLS, AUTH)."
  value       = module.cache.primary_endpoint_address
}

output "deploy_role_arn" {
  description = "CI deploy role of this environment (from the bootstrap, via the `deploy_role_arn` variable)."
  value       = var.deploy_role_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of all alarms."
  value       = module.observability.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the environment."
  value       = module.observability.dashboard_name
}

output "deploy_manifest_parameter" {
  description = "SSM parameter holding the deploy manifest (JSON) the deploy tool reads with the deploy role."
  value       = aws_ssm_parameter.deploy_manifest.name
}
