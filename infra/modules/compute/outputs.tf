output "ecr_repository_url" {
  description = "URL of the ECR repository the deploy tool pushes immutable tags to."
  value       = aws_ecr_repository.this.repository_url
}

output "ecr_repository_arn" {
  description = "ARN of the ECR repository."
  value       = aws_ecr_repository.this.arn
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

# Service names come from locals, not from the service resources: the observability
# module's alarms use them, and the services use those alarms for rollback.
output "api_service_name" {
  description = "Name of the API service."
  value       = local.api_service_name
}

output "worker_service_name" {
  description = "Name of the export worker service."
  value       = local.worker_service_name
}

output "api_task_definition_family" {
  description = "Task definition family of the API; the deploy tool registers new revisions of it with a new image."
  value       = aws_ecs_task_definition.api.family
}

output "worker_task_definition_family" {
  description = "Task definition family of the export worker."
  value       = aws_ecs_task_definition.worker.family
}

output "app_container_name" {
  description = "Name of the application container in both task definitions (the one whose image the deploy tool sets)."
  value       = local.app_container
}

output "migration" {
  description = "How the deploy tool runs migrations (ADR 0056): a one-off Fargate task of the migration family (a new revision with the release's image), in the private subnets with the migration security group. Only this family gets the database master credentials."
  value = {
    cluster                = aws_ecs_cluster.this.name
    task_definition_family = aws_ecs_task_definition.migrate.family
    container_name         = local.app_container
    command                = var.migration.command
    subnet_ids             = var.private_subnet_ids
    security_group_ids     = [aws_security_group.migration.id]
    assign_public_ip       = false
    capacity_provider      = "FARGATE"
    log_group_name         = aws_cloudwatch_log_group.this["api"].name
    log_stream_prefix      = "migrate"
  }
}

output "migration_security_group_id" {
  description = "Security group of the migration tasks (the data module lets it reach the DB instance directly)."
  value       = aws_security_group.migration.id
}

output "migration_execution_role_arn" {
  description = "ARN of the migration tasks' execution role, the only role that may read the master secret (the deploy role may pass it to ECS)."
  value       = aws_iam_role.migrate_exec.arn
}

output "task_execution_role_arn" {
  description = "ARN of the task execution role (the deploy role may pass it to ECS)."
  value       = aws_iam_role.task_exec.arn
}

output "task_role_arns" {
  description = "ARNs of the task roles, keyed `api` and `worker` (the deploy role may pass them to ECS)."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "api_security_group_id" {
  description = "Security group of the API tasks."
  value       = aws_security_group.api.id
}

output "worker_security_group_id" {
  description = "Security group of the export worker tasks."
  value       = aws_security_group.worker.id
}

output "alb_security_group_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.alb.id
}

output "alb_arn" {
  description = "ARN of the ALB (CloudFront VPC origin target in `internal` mode)."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB (CloudWatch dimension `LoadBalancer`)."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = aws_lb.this.dns_name
}

output "alb_mode" {
  description = "`public` or `internal`."
  value       = var.alb_mode
}

output "target_group_arn_suffixes" {
  description = "ARN suffixes of the API target groups, keyed `blue` (and `green` with blue/green)."
  value       = { for k, tg in aws_lb_target_group.api : k => tg.arn_suffix }
}

output "origin_domain_name" {
  description = "DNS name CloudFront uses to reach the ALB over HTTPS."
  value       = aws_route53_record.origin.fqdn
}

output "origin_verify_header_name" {
  description = "Name of the secret origin header."
  value       = var.origin_verify_header_name
}

output "origin_verify_header_value" {
  description = "Secret value CloudFront must send in the origin header."
  value       = random_password.origin_verify.result
  sensitive   = true
}

output "test_traffic_header" {
  description = "Header name and secret value that route a request to the green tasks during a blue/green bake (null when ROLLING)."
  value       = local.blue_green ? { name = var.test_traffic_header_name, value = random_password.test_traffic.result } : null
  sensitive   = true
}

output "jwt_secret_arn" {
  description = "ARN of the JWT signing key secret."
  value       = aws_secretsmanager_secret.jwt.arn
}

output "origin_verify_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the origin header value, injected into the API as APP_ORIGIN_VERIFY_SECRET."
  value       = aws_secretsmanager_secret.origin_verify.arn
}

output "ssm_parameter_prefix" {
  description = "SSM Parameter Store path holding the app's non-secret settings."
  value       = local.ssm_prefix
}

output "log_group_names" {
  description = "ECS log group names keyed `api`, `worker`, `adot`, `exec`."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "deployment_strategy" {
  description = "Deployment strategy of the API service."
  value       = var.deployment_strategy
}

output "services" {
  description = "Desired count and capacity provider of each ECS service (`api`, `worker`)."
  value = {
    api = {
      desired_count     = aws_ecs_service.api.desired_count
      capacity_provider = one(aws_ecs_service.api.capacity_provider_strategy).capacity_provider
    }
    worker = {
      desired_count     = aws_ecs_service.worker.desired_count
      capacity_provider = one(aws_ecs_service.worker.capacity_provider_strategy).capacity_provider
    }
  }
}

output "log_retention_days" {
  description = "Retention in days of each ECS log group, keyed like `log_group_names`."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.retention_in_days }
}
