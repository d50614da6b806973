# stage: the prod topology at smaller sizes (Multi-AZ, blue/green), shorter retention,
# no deletion protection. Replace the placeholders (region, repository, zone, domain).

environment         = "stage"
region              = "eu-west-1"
repository          = "example-org/taskapp"
route53_zone_name   = "example.com"
domain_name         = "stage.example.com"
allowed_account_ids = null

# Account layout of this example: prod in its own account; dev and stage share a non-production
# account, and stage's stack owns its account-level services (ADR 0051; dev has false). With
# AWS Organizations managing them: false everywhere.
manage_account_singletons = true

vpc_cidr                      = "10.20.0.0/16"
az_count                      = 2
single_nat_gateway            = false
interface_endpoints_single_az = false
interface_endpoints           = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sqs", "kms"]

db = {
  instance_class               = "db.t4g.medium"
  multi_az                     = true
  allocated_storage            = 20
  max_allocated_storage        = 100
  backup_retention_days        = 7
  deletion_protection          = false
  final_snapshot               = true
  performance_insights_enabled = true
  monitoring_interval          = 60
}

cache = {
  node_type               = "cache.t4g.small"
  num_cache_clusters      = 2
  snapshot_retention_days = 3
  final_snapshot          = false
}

replication_region = null

alb_mode                = "public"
alb_deletion_protection = false
deployment_strategy     = "BLUE_GREEN"
bake_time_in_minutes    = 5

api = {
  cpu       = 512
  memory    = 1024
  min_count = 2
  max_count = 4
}

worker = {
  cpu               = 256
  memory            = 512
  min_count         = 1
  max_count         = 3
  capacity_provider = "FARGATE_SPOT"
}

price_class                  = "PriceClass_100"
waf_rate_limit_per_5_minutes = 2000

log_retention_days        = 30
flow_log_retention_days   = 365
access_log_retention_days = 90

backup_rules = {
  daily  = { schedule = "cron(0 3 ? * * *)", delete_after_days = 14 }
  weekly = { schedule = "cron(0 4 ? * SUN *)", delete_after_days = 35 }
}

monthly_budget_usd = 600
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
