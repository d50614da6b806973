# prod: the spec in full. Three AZs, a NAT gateway per AZ, Multi-AZ database and cache,
# deletion protection, longer retention, cross-region replication and backup copies.
# Replace the placeholders (regions, repository, zone, domain).

environment         = "prod"
region              = "eu-west-1"
repository          = "example-org/taskapp"
route53_zone_name   = "example.com"
domain_name         = "app.example.com"
allowed_account_ids = null

# Account layout of this example: prod in its own account (true); dev and stage share a
# non-production account owned by stage (ADR 0051). With AWS Organizations managing the
# account-level services: false everywhere.
manage_account_singletons = true

vpc_cidr                      = "10.30.0.0/16"
az_count                      = 3
single_nat_gateway            = false
interface_endpoints_single_az = false
interface_endpoints           = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sqs", "kms"]

db = {
  instance_class               = "db.m7g.large"
  multi_az                     = true
  allocated_storage            = 100
  max_allocated_storage        = 1000
  backup_retention_days        = 35
  deletion_protection          = true
  final_snapshot               = true
  performance_insights_enabled = true
  monitoring_interval          = 30
}

cache = {
  node_type               = "cache.m7g.large"
  num_cache_clusters      = 3
  snapshot_retention_days = 14
  final_snapshot          = true
}

replication_region = "eu-central-1"

alb_mode                = "public"
alb_deletion_protection = true
deployment_strategy     = "BLUE_GREEN"
bake_time_in_minutes    = 15

api = {
  cpu       = 1024
  memory    = 2048
  min_count = 3
  max_count = 12
}

worker = {
  cpu               = 512
  memory            = 1024
  min_count         = 2
  max_count         = 8
  capacity_provider = "FARGATE"
}

price_class                  = "PriceClass_All"
waf_rate_limit_per_5_minutes = 2000

log_retention_days        = 365
flow_log_retention_days   = 365
access_log_retention_days = 365

backup_rules = {
  daily   = { schedule = "cron(0 3 ? * * *)", delete_after_days = 35 }
  weekly  = { schedule = "cron(0 4 ? * SUN *)", delete_after_days = 90, copy_to_second_region = true }
  monthly = { schedule = "cron(0 5 1 * ? *)", delete_after_days = 365, cold_storage_after_days = 30, copy_to_second_region = true }
}

monthly_budget_usd = 2500
# alarm_email_addresses is required here and deliberately not in git: at least one subscriber
# (the variable's validation refuses an empty list outside dev). Supply it from CI or the shell:
#   export TF_VAR_alarm_email_addresses='["oncall@example.org"]'
# Each address confirms the SNS subscription from the mail AWS sends after the apply.

# Cost allocation tags (Project, Environment): leave false on the first apply; a day later set
# true and apply again (Cost Explorer must have seen the keys first; docs/cost.md).
activate_cost_allocation_tags = false
force_destroy                 = false

# From `terraform -chdir=infra/bootstrap output -json deploy_role_arns`.
deploy_role_arn = null
