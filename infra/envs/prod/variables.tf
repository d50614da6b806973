################################################################################
# Identity of the deployment
################################################################################

variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "taskapp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,12}$", var.project))
    error_message = "project must be 2-13 lowercase letters, digits or hyphens."
  }
}

variable "environment" {
  description = "Environment: dev, stage or prod."
  type        = string

  validation {
    condition     = contains(["dev", "stage", "prod"], var.environment)
    error_message = "environment must be dev, stage or prod."
  }
}

variable "region" {
  description = "AWS Region of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS Region code such as eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS account IDs this environment may be applied to (a guard against the wrong credentials). Null allows any."
  type        = list(string)
  default     = null
}

variable "repository" {
  description = "GitHub repository (`owner/name`) that manages this stack; a tag on every resource."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must look like owner/name."
  }
}

variable "tags" {
  description = "Extra default tags for every resource (for example a cost centre)."
  type        = map(string)
  default     = {}
}

################################################################################
# DNS
################################################################################

variable "route53_zone_name" {
  description = "Existing public Route 53 hosted zone (for example `example.com`)."
  type        = string
}

variable "domain_name" {
  description = "Public name of the site in that zone (for example `dev.example.com`); the ALB origin is `origin.<domain_name>`."
  type        = string
}

variable "email_domain" {
  description = "Domain to send invitation e-mail from through SES, in route53_zone_name's zone (for example `mail.example.com`). Null (the default): no e-mail; the inviting owner copies the link (ADR 0105)."
  type        = string
  default     = null
}

################################################################################
# Network
################################################################################

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "az_count" {
  description = "Availability Zones used (3 in prod)."
  type        = number
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (dev) instead of one per AZ (prod)."
  type        = bool
}

variable "interface_endpoints" {
  description = "AWS services with an interface VPC endpoint (suffix after `com.amazonaws.<region>.`). All of them in stage and prod; dev may use `[]` and reach them through NAT (ADR 0053). The S3 gateway endpoint is always there."
  type        = list(string)
}

variable "interface_endpoints_single_az" {
  description = "Interface endpoints in one AZ only (dev, cheaper)."
  type        = bool
}

################################################################################
# Data tier
################################################################################

variable "db" {
  description = "RDS PostgreSQL settings."
  type = object({
    instance_class               = string
    multi_az                     = bool
    allocated_storage            = number
    max_allocated_storage        = number
    backup_retention_days        = number
    deletion_protection          = bool
    final_snapshot               = bool
    performance_insights_enabled = bool
    monitoring_interval          = number
  })
}

variable "cache" {
  description = "ElastiCache settings."
  type = object({
    engine                  = optional(string, "valkey")
    engine_version          = optional(string) # null: the cache module's default (ADR 0102)
    node_type               = string
    num_cache_clusters      = number
    snapshot_retention_days = number
    final_snapshot          = bool
  })
}

variable "replication_region" {
  description = "Second Region for S3 cross-region replication and AWS Backup copies (prod). Null disables both."
  type        = string
  default     = null
}

################################################################################
# Compute and edge
################################################################################

variable "alb_mode" {
  description = "`public` ALB locked to CloudFront (the spec) or `internal` ALB behind a CloudFront VPC origin (ADR 0030)."
  type        = string
  default     = "public"
}

variable "alb_deletion_protection" {
  description = "Deletion protection on the ALB."
  type        = bool
}

variable "deployment_strategy" {
  description = "API deployment strategy: ROLLING, BLUE_GREEN, LINEAR or CANARY (ADR 0031)."
  type        = string
  default     = "BLUE_GREEN"
}

variable "bake_time_in_minutes" {
  description = "Blue/green bake time."
  type        = number
  default     = 10
}

variable "api" {
  description = "API service sizes and scaling (see the compute module's `api` variable)."
  type = object({
    cpu                 = number
    memory              = number
    min_count           = number
    max_count           = number
    requests_per_target = optional(number, 500)
    capacity_provider   = optional(string, "FARGATE")
  })
}

variable "worker" {
  description = "Export worker sizes and scaling (see the compute module's `worker` variable)."
  type = object({
    cpu               = number
    memory            = number
    min_count         = number
    max_count         = number
    capacity_provider = string
  })
}

variable "cpu_architecture" {
  description = "Image CPU architecture: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "initial_image_tag" {
  description = "Image tag used only when the task definitions are created (ADR 0032)."
  type        = string
  default     = "initial"
}

variable "jwt_signing_key_version" {
  description = "Increase to rotate the JWT signing key (write-only, never in state)."
  type        = number
  default     = 1
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"
}

variable "waf_rate_limit_per_5_minutes" {
  description = "WAF per-IP request limit per 5 minutes."
  type        = number
  default     = 2000
}

################################################################################
# Operations
################################################################################

variable "log_retention_days" {
  description = "Retention of application, database and WAF log groups, in days."
  type        = number
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log group, in days (security evidence: 365 in every environment, cents a month in dev)."
  type        = number
}

variable "access_log_retention_days" {
  description = "Retention of ALB, CloudFront and S3 access logs in the log bucket, in days."
  type        = number
}

variable "slo_burn_rate_windows" {
  description = "Burn-rate alert windows of the observability module (`burn_rate_windows`). Null: its default fast, medium and slow windows. The fast window's short alarm also rolls deployments back."
  type = map(object({
    long_window_seconds  = number
    short_window_seconds = number
    burn_rate            = number
  }))
  default = null
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the alarm topic (alarms, budget and cost-anomaly alerts, backup failures); each confirms the subscription by mail. No default: dev may pass `[]` (its tfvars does), stage and prod need at least one. Keep real addresses out of git: set TF_VAR_alarm_email_addresses='[\"oncall@example.org\"]' (a CI secret or variable) or pass an untracked -var-file (infra/envs/README.md)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = var.environment == "dev" ? true : length(var.alarm_email_addresses) > 0
    error_message = "alarm_email_addresses: stage and prod need at least one subscriber, or every alarm, budget and backup alert goes unread. Set TF_VAR_alarm_email_addresses (infra/envs/README.md)."
  }

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_email_addresses must be e-mail addresses."
  }
}

variable "backup_rules" {
  description = "AWS Backup rules (see the backup module's `rules`)."
  type = map(object({
    schedule                = string
    delete_after_days       = number
    cold_storage_after_days = optional(number)
    copy_to_second_region   = optional(bool, false)
  }))
}

variable "monthly_budget_usd" {
  description = "Monthly AWS Budgets limit for this environment, in USD."
  type        = number
}

variable "activate_cost_allocation_tags" {
  description = "Activate the `Project` and `Environment` cost allocation tags (with manage_account_singletons only). False on the first apply: Cost Explorer accepts a key only after it has seen it on a resource, up to 24 hours later. After the first day, set true and apply again; until then the environment's tag-filtered budget and anomaly monitor see no cost (docs/cost.md)."
  type        = bool
  default     = false
  nullable    = false
}

variable "manage_account_singletons" {
  description = "Create the account-level singletons (GuardDuty, Inspector, Security Hub, AWS Config, CloudTrail, the account's cost anomaly monitor and cost allocation tags). True in exactly one environment per account."
  type        = bool
}

variable "force_destroy" {
  description = "Let `terraform destroy` remove non-empty buckets and repositories (dev only)."
  type        = bool
  default     = false
}

################################################################################
# Delivery
################################################################################

variable "deploy_role_arn" {
  description = "ARN of this environment's CI deploy role, from the bootstrap output `deploy_role_arns` (the bootstrap is applied first). Only echoed as an output for the deploy tool."
  type        = string
  default     = null
}
