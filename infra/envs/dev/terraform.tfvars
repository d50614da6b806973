# dev: cheap. One NAT gateway, single-AZ database and cache, small sizes, short retention,
# no deletion protection. Replace the placeholders (region, repository, zone, domain).

environment         = "dev"
region              = "eu-west-1"
repository          = "example-org/taskapp"
route53_zone_name   = "example.com"
domain_name         = "dev.example.com"
allowed_account_ids = null

# Account layout of this example: prod in its own account; dev and stage share a non-production
# account whose account-level services (GuardDuty, Security Hub, Config, CloudTrail, Inspector)
# stage's stack owns, so false here (ADR 0051). Dev alone in its own account: set true (about
# $14 a month more, docs/cost.md). With AWS Organizations managing them: false everywhere.
manage_account_singletons = false

vpc_cidr                      = "10.10.0.0/16"
az_count                      = 2
single_nat_gateway            = true
interface_endpoints_single_az = true
# No interface endpoints in dev: $51 a month against under $1 of NAT processing for the same
# AWS API traffic (ADR 0053, docs/cost.md). The S3 gateway endpoint (free) is always there.
interface_endpoints = []

db = {
  instance_class               = "db.t4g.micro"
  multi_az                     = false
  allocated_storage            = 20
  max_allocated_storage        = 50
  backup_retention_days        = 7
  deletion_protection          = false
  final_snapshot               = false
  performance_insights_enabled = false # not offered on the micro class
  monitoring_interval          = 0
}

cache = {
  node_type               = "cache.t4g.micro"
  num_cache_clusters      = 1
  snapshot_retention_days = 1
  final_snapshot          = false
}

replication_region = null

alb_mode                = "public"
alb_deletion_protection = false
deployment_strategy     = "ROLLING"

# Fargate Spot for the API too: an interrupted task in dev is replaced within minutes.
api = {
  cpu               = 256
  memory            = 512
  min_count         = 1
  max_count         = 2
  capacity_provider = "FARGATE_SPOT"
}

worker = {
  cpu               = 256
  memory            = 512
  min_count         = 1
  max_count         = 2
  capacity_provider = "FARGATE_SPOT"
}

price_class                  = "PriceClass_100"
waf_rate_limit_per_5_minutes = 1000

log_retention_days        = 14
flow_log_retention_days   = 365
access_log_retention_days = 30

backup_rules = {
  daily = { schedule = "cron(0 3 ? * * *)", delete_after_days = 7 }
}

monthly_budget_usd = 150
# Dev pages nobody by default (allowed only in dev). To get dev's alerts, set
# TF_VAR_alarm_email_addresses='["you@example.org"]' instead of writing addresses here.
alarm_email_addresses = []
# Cost allocation tags are owned by stage in this account layout (manage_account_singletons).
# Dev pages nobody: only the fast burn-rate window, whose short alarm rolls deployments back.
slo_burn_rate_windows = {
  fast = { long_window_seconds = 3600, short_window_seconds = 300, burn_rate = 14.4 }
}
force_destroy = true

# From `terraform -chdir=infra/bootstrap output -json deploy_role_arns`.
deploy_role_arn = null
