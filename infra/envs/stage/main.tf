# Thin root: the same file in dev, stage and prod; only terraform.tfvars (and the state
# key in backend.hcl) differ.

locals {
  name          = "${var.project}-${var.environment}"
  site_url      = "https://${var.domain_name}"
  origin_domain = "origin.${var.domain_name}"
}

data "aws_route53_zone" "this" {
  name         = var.route53_zone_name
  private_zone = false
}

################################################################################
# Security: KMS keys and the account-level detective controls
################################################################################

module "security" {
  source = "../../modules/security"

  name = local.name

  create_guardduty   = var.manage_account_singletons
  create_inspector   = var.manage_account_singletons
  create_securityhub = var.manage_account_singletons
  create_config      = var.manage_account_singletons
  create_cloudtrail  = var.manage_account_singletons

  audit_bucket_force_destroy = var.force_destroy
}

################################################################################
# Network
################################################################################

module "network" {
  source = "../../modules/network"

  name                          = local.name
  cidr                          = var.vpc_cidr
  az_count                      = var.az_count
  single_nat_gateway            = var.single_nat_gateway
  interface_endpoints           = var.interface_endpoints
  interface_endpoints_single_az = var.interface_endpoints_single_az
  flow_log_retention_days       = var.flow_log_retention_days
  flow_log_kms_key_arn          = module.security.logs_kms_key_arn
}

################################################################################
# Storage, queue, database, cache
################################################################################

module "storage" {
  source = "../../modules/storage"

  name                 = local.name
  kms_key_arn          = module.security.data_kms_key_arn
  cors_allowed_origins = [local.site_url]
  log_retention_days   = var.access_log_retention_days
  force_destroy        = var.force_destroy

  replication = var.replication_region == null ? null : {
    region = var.replication_region
  }
}

module "queue" {
  source = "../../modules/queue"

  name        = local.name
  kms_key_arn = module.security.data_kms_key_arn
}

module "data" {
  source = "../../modules/data"

  name                = local.name
  vpc_id              = module.network.vpc_id
  isolated_subnet_ids = module.network.isolated_subnet_ids
  proxy_subnet_ids    = module.network.private_subnet_ids
  kms_key_arn         = module.security.data_kms_key_arn
  logs_kms_key_arn    = module.security.logs_kms_key_arn

  client_security_group_ids = {
    api    = module.compute.api_security_group_id
    worker = module.compute.worker_security_group_id
  }

  # Migrations log in as the master user, which the IAM-only proxy does not admit (ADR 0056).
  direct_client_security_group_ids = {
    migration = module.compute.migration_security_group_id
  }

  instance_class               = var.db.instance_class
  multi_az                     = var.db.multi_az
  allocated_storage            = var.db.allocated_storage
  max_allocated_storage        = var.db.max_allocated_storage
  backup_retention_days        = var.db.backup_retention_days
  deletion_protection          = var.db.deletion_protection
  final_snapshot               = var.db.final_snapshot
  performance_insights_enabled = var.db.performance_insights_enabled
  monitoring_interval          = var.db.monitoring_interval
  log_retention_days           = var.log_retention_days

  # AWS Backup selects the database by this tag.
  instance_tags = {
    (module.backup.selection_tag.key) = module.backup.selection_tag.value
  }
}

module "cache" {
  source = "../../modules/cache"

  name                = local.name
  vpc_id              = module.network.vpc_id
  isolated_subnet_ids = module.network.isolated_subnet_ids
  kms_key_arn         = module.security.data_kms_key_arn
  logs_kms_key_arn    = module.security.logs_kms_key_arn

  client_security_group_ids = {
    api    = module.compute.api_security_group_id
    worker = module.compute.worker_security_group_id
  }

  engine                  = var.cache.engine
  engine_version          = var.cache.engine_version
  node_type               = var.cache.node_type
  num_cache_clusters      = var.cache.num_cache_clusters
  multi_az                = var.cache.num_cache_clusters > 1
  snapshot_retention_days = var.cache.snapshot_retention_days
  final_snapshot          = var.cache.final_snapshot
  log_retention_days      = var.log_retention_days
}

################################################################################
# Compute and edge
################################################################################

# Invitation e-mail (ADR 0105): off unless email_domain is set.
module "email" {
  source = "../../modules/email"
  count  = var.email_domain == null ? 0 : 1

  name            = local.name
  domain          = var.email_domain
  route53_zone_id = data.aws_route53_zone.this.zone_id
}

module "compute" {
  source = "../../modules/compute"

  name               = local.name
  environment        = var.environment
  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids

  alb_mode                = var.alb_mode
  alb_deletion_protection = var.alb_deletion_protection
  origin_domain_name      = local.origin_domain
  route53_zone_id         = data.aws_route53_zone.this.zone_id
  log_bucket_name         = module.storage.log_bucket_name

  kms_key_arn          = module.security.data_kms_key_arn
  secrets_kms_key_arns = [module.data.master_user_secret_kms_key_arn]
  logs_kms_key_arn     = module.security.logs_kms_key_arn
  log_retention_days   = var.log_retention_days
  ecr_force_delete     = var.force_destroy

  cpu_architecture        = var.cpu_architecture
  initial_image_tag       = var.initial_image_tag
  jwt_signing_key_version = var.jwt_signing_key_version
  cors_origins            = [local.site_url]
  public_app_url          = local.site_url
  email = var.email_domain == null ? null : {
    from_address           = module.email[0].from_address
    configuration_set_name = module.email[0].configuration_set_name
    send_policy_json       = module.email[0].send_policy_json
  }

  api    = var.api
  worker = var.worker

  deployment_strategy          = var.deployment_strategy
  bake_time_in_minutes         = var.bake_time_in_minutes
  api_extra_deploy_alarm_names = module.observability.deployment_alarm_names

  database = {
    host                    = module.data.proxy_endpoint
    port                    = module.data.port
    name                    = module.data.database_name
    app_username            = module.data.app_db_username
    app_user_arn            = module.data.app_db_user_arn
    instance_address        = module.data.db_instance_address
    security_group_id       = module.data.db_security_group_id
    master_user_secret_arn  = module.data.master_user_secret_arn
    master_user_kms_key_arn = module.data.master_user_secret_kms_key_arn
  }

  redis = {
    host       = module.cache.primary_endpoint_address
    port       = module.cache.port
    secret_arn = module.cache.auth_token_secret_arn
  }

  bucket = {
    name           = module.storage.bucket_name
    arn            = module.storage.bucket_arn
    kms_key_arn    = module.security.data_kms_key_arn
    exports_prefix = module.storage.exports_prefix
  }

  queue = {
    url         = module.queue.queue_url
    arn         = module.queue.queue_arn
    name        = module.queue.queue_name
    kms_key_arn = module.security.data_kms_key_arn
  }
}

module "edge" {
  source = "../../modules/edge"

  name            = local.name
  domain_name     = var.domain_name
  route53_zone_id = data.aws_route53_zone.this.zone_id
  log_bucket_name = module.storage.log_bucket_name
  log_bucket_arn  = module.storage.log_bucket_arn
  force_destroy   = var.force_destroy

  # The browser POSTs uploads straight to S3 (CSP connect-src).
  upload_origins = [
    "https://${module.storage.bucket_regional_domain_name}",
    "https://${module.storage.bucket_name}.s3.amazonaws.com",
  ]

  price_class                  = var.price_class
  waf_rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  waf_log_retention_days       = var.log_retention_days
  waf_log_kms_key_arn          = module.security.edge_logs_kms_key_arn

  alb = {
    mode               = module.compute.alb_mode
    arn                = module.compute.alb_arn
    origin_domain_name = module.compute.origin_domain_name
  }

  origin_verify_header = {
    name  = module.compute.origin_verify_header_name
    value = module.compute.origin_verify_header_value
  }
}

################################################################################
# Operations: observability, backup, cost
################################################################################

module "observability" {
  source = "../../modules/observability"

  name                  = local.name
  kms_key_arn           = module.security.logs_kms_key_arn
  log_retention_in_days = var.log_retention_days
  alarm_email_addresses = var.alarm_email_addresses
  burn_rate_windows     = var.slo_burn_rate_windows

  alb = {
    arn_suffix                = module.compute.alb_arn_suffix
    target_group_arn_suffixes = module.compute.target_group_arn_suffixes
  }

  ecs = {
    cluster_name  = module.compute.cluster_name
    service_names = [module.compute.api_service_name, module.compute.worker_service_name]
  }

  rds = {
    instance_id = module.data.db_instance_identifier
    proxy_name  = module.data.proxy_name
  }

  cache = {
    cache_cluster_ids = module.cache.cache_cluster_ids
  }

  cloudfront_distribution_id = module.edge.distribution_id

  sqs = {
    queue_name = module.queue.queue_name
    dlq_name   = module.queue.dlq_name
  }
}

module "backup" {
  source = "../../modules/backup"

  name                       = local.name
  kms_key_arn                = module.security.data_kms_key_arn
  rules                      = var.backup_rules
  notification_sns_topic_arn = module.observability.sns_topic_arn
  enable_notifications       = true
  force_destroy              = var.force_destroy

  copy_to_region = var.replication_region == null ? null : {
    region = var.replication_region
  }
}

module "cost" {
  source = "../../modules/cost"

  name                     = local.name
  monthly_budget_usd       = var.monthly_budget_usd
  sns_topic_arn            = module.observability.sns_topic_arn
  enable_sns_notifications = true
  notification_emails      = var.alarm_email_addresses
  create_anomaly_monitor   = true

  # Account-level; a second apply a day after the first (activate_cost_allocation_tags).
  cost_allocation_tags          = var.manage_account_singletons ? ["Project", "Environment"] : []
  activate_cost_allocation_tags = var.manage_account_singletons && var.activate_cost_allocation_tags

  cost_filter_tag = {
    key   = "Environment"
    value = var.environment
  }
}

################################################################################
# Deploy manifest: the non-secret facts the deploy tool needs, readable by the deploy
# role (which has no access to the Terraform state).
################################################################################

resource "aws_ssm_parameter" "deploy_manifest" {
  #checkov:skip=CKV2_AWS_34:Non-secret resource names and IDs.
  name        = "/${local.name}/deploy/manifest"
  description = "${local.name} deploy manifest (JSON) for the deploy tool"
  type        = "String"
  tier        = "Standard"

  value = jsonencode({
    environment                   = var.environment
    region                        = var.region
    site_url                      = module.edge.site_url
    api_url                       = module.edge.api_url
    ecr_repository_url            = module.compute.ecr_repository_url
    cluster_name                  = module.compute.cluster_name
    api_service_name              = module.compute.api_service_name
    worker_service_name           = module.compute.worker_service_name
    api_task_definition_family    = module.compute.api_task_definition_family
    worker_task_definition_family = module.compute.worker_task_definition_family
    app_container_name            = module.compute.app_container_name
    deployment_strategy           = module.compute.deployment_strategy
    migration                     = module.compute.migration
    site_bucket_name              = module.edge.site_bucket_name
    cloudfront_distribution_id    = module.edge.distribution_id
  })

  tags = {
    Name = "${local.name}-deploy-manifest"
  }
}
