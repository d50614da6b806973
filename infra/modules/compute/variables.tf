variable "name" {
  description = "Name prefix for every resource of this module (for example `taskapp-dev`); at most 20 characters so target group names fit."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3-20 characters of lowercase letters, digits and hyphens."
  }
}

variable "environment" {
  description = "Environment name handed to the app as `APP_ENVIRONMENT`."
  type        = string

  validation {
    condition     = contains(["dev", "stage", "prod"], var.environment)
    error_message = "environment must be dev, stage or prod."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC (tasks may reach PostgreSQL and the cache only inside it)."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr_block, 0))
    error_message = "vpc_cidr_block must be a valid CIDR block."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets for the public ALB."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An ALB needs subnets in at least two AZs."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets for the tasks (and for the internal ALB)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "At least two private subnets are required."
  }
}

variable "alb_mode" {
  description = "`public`: the spec's internet-facing ALB, open only to CloudFront's origin-facing prefix list and answering 403 without the secret origin header. `internal`: an internal ALB in the private subnets reached through a CloudFront VPC origin (ADR 0030)."
  type        = string
  default     = "public"

  validation {
    condition     = contains(["public", "internal"], var.alb_mode)
    error_message = "alb_mode must be `public` or `internal`."
  }
}

variable "alb_extra_ingress_security_group_ids" {
  description = "Extra security groups allowed to reach the ALB on 443, keyed by a stable name (for example the `CloudFront-VPCOrigins-Service-SG` that CloudFront creates for a VPC origin)."
  type        = map(string)
  default     = {}
}

variable "origin_domain_name" {
  description = "DNS name of the ALB as CloudFront's origin (for example `origin.dev.example.com`); gets a regional ACM certificate and an alias record."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.origin_domain_name))
    error_message = "origin_domain_name must be a lowercase DNS name."
  }
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone for the origin record and the certificate validation."
  type        = string
}

variable "origin_verify_header_name" {
  description = "Header CloudFront adds with a secret value; the ALB refuses requests without it, and the app trusts X-Forwarded-For only with it (APP_ORIGIN_VERIFY_HEADER)."
  type        = string
  default     = "X-Origin-Verify"
}

variable "test_traffic_header_name" {
  description = "Header (with the secret value in output `test_traffic_header_value`) that sends a request to the green tasks during a blue/green bake."
  type        = string
  default     = "X-Deploy-Test"
}

variable "alb_ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "alb_deletion_protection" {
  description = "Protect the ALB from deletion (prod)."
  type        = bool
  default     = true
}

variable "alb_idle_timeout" {
  description = "ALB idle timeout in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.alb_idle_timeout >= 1 && var.alb_idle_timeout <= 4000
    error_message = "alb_idle_timeout must be between 1 and 4000."
  }
}

variable "events_heartbeat_seconds" {
  description = "Seconds between the heartbeats of an idle live-update stream (APP_EVENTS_HEARTBEAT_SECONDS; ADR 0104): below the ALB's idle timeout and CloudFront's origin read timeout (30 s by default), or they close quiet streams."
  type        = number
  default     = 15

  validation {
    condition     = var.events_heartbeat_seconds >= 1 && var.events_heartbeat_seconds <= 25 && var.events_heartbeat_seconds < var.alb_idle_timeout
    error_message = "events_heartbeat_seconds must be between 1 and 25 and below alb_idle_timeout."
  }
}

variable "log_bucket_name" {
  description = "S3 bucket for ALB access logs (prefix `alb/`); its policy must admit ELB log delivery (see the storage module)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for ECR, the JWT signing key and origin-verify secrets and ECS Exec sessions."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "secrets_kms_key_arns" {
  description = "Further KMS keys that encrypt the injected secrets (the RDS-managed secret, the cache AUTH token); the execution role may decrypt through Secrets Manager/SSM only."
  type        = list(string)
  default     = []
}

variable "logs_kms_key_arn" {
  description = "Customer-managed KMS key for the ECS log groups, ECS Exec session logs included (its policy must allow CloudWatch Logs)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the ECS log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts."
  }
}

variable "container_insights" {
  description = "Container Insights level: `enhanced` or `enabled` (the worker's scaling reads its RunningTaskCount)."
  type        = string
  default     = "enhanced"

  validation {
    condition     = contains(["enhanced", "enabled"], var.container_insights)
    error_message = "container_insights must be `enhanced` or `enabled`."
  }
}

variable "ecr_keep_images" {
  description = "Tagged images kept in ECR (older ones expire)."
  type        = number
  default     = 50

  validation {
    condition     = var.ecr_keep_images >= 5
    error_message = "Keep at least 5 images so rollbacks stay possible."
  }
}

variable "ecr_untagged_expiry_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7

  validation {
    condition     = var.ecr_untagged_expiry_days >= 1
    error_message = "ecr_untagged_expiry_days must be at least 1."
  }
}

variable "ecr_force_delete" {
  description = "Let `terraform destroy` delete the repository with its images (never in prod)."
  type        = bool
  default     = false
}

variable "initial_image_tag" {
  description = "Image tag used only when the task definitions are first created; from then on the deploy tool owns the tag (ADR 0032)."
  type        = string
  default     = "initial"
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: `X86_64` or `ARM64` (Graviton, cheaper)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "container_user" {
  description = "User the app container runs as; null keeps the image's non-root USER."
  type        = string
  default     = null
}

variable "adot_image" {
  description = "AWS Distro for OpenTelemetry collector image of the tracing sidecar (receives OTLP on localhost:4317, sends to X-Ray)."
  type        = string
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"
}

variable "api" {
  description = "API service: sizes, scaling, capacity provider (FARGATE, or FARGATE_SPOT for a cheap dev), health check and deployment guard thresholds."
  type = object({
    cpu                         = optional(number, 512)
    memory                      = optional(number, 1024)
    container_port              = optional(number, 8000)
    command                     = optional(list(string))
    health_check_path           = optional(string, "/readyz")
    min_count                   = optional(number, 2)
    max_count                   = optional(number, 6)
    cpu_target_percent          = optional(number, 60)
    memory_target_percent       = optional(number, 75)
    requests_per_target         = optional(number, 500)
    capacity_provider           = optional(string, "FARGATE")
    deploy_alarm_5xx_per_minute = optional(number, 10)
    deploy_alarm_p99_seconds    = optional(number, 1)
  })
  default = {}

  validation {
    condition     = var.api.min_count >= 1 && var.api.max_count >= var.api.min_count
    error_message = "api.min_count must be at least 1 and api.max_count at least min_count."
  }

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.api.cpu)
    error_message = "api.cpu must be a Fargate CPU value."
  }

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT"], var.api.capacity_provider)
    error_message = "api.capacity_provider must be FARGATE or FARGATE_SPOT (Spot only where an interrupted task is acceptable, such as dev)."
  }
}

variable "worker" {
  description = "Export worker service: command, sizes, scaling on queue backlog, capacity provider and deployment guard."
  type = object({
    command                             = optional(list(string), ["taskapp-worker"])
    cpu                                 = optional(number, 256)
    memory                              = optional(number, 512)
    min_count                           = optional(number, 1)
    max_count                           = optional(number, 4)
    backlog_per_task                    = optional(number, 20)
    capacity_provider                   = optional(string, "FARGATE")
    deploy_alarm_oldest_message_seconds = optional(number, 900)
  })
  default = {}

  validation {
    condition     = var.worker.min_count >= 1 && var.worker.max_count >= var.worker.min_count
    error_message = "worker.min_count must be at least 1 and worker.max_count at least min_count."
  }

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT"], var.worker.capacity_provider)
    error_message = "worker.capacity_provider must be FARGATE or FARGATE_SPOT."
  }
}

variable "api_extra_deploy_alarm_names" {
  description = "Further CloudWatch alarms that roll back an API deployment (for example the observability module's fast burn-rate alarms). A separate variable so these alarms may depend on this module's ALB without a cycle."
  type        = list(string)
  default     = []
}

variable "worker_extra_deploy_alarm_names" {
  description = "Further CloudWatch alarms that roll back a worker deployment."
  type        = list(string)
  default     = []
}

variable "deployment_strategy" {
  description = "API deployment strategy: `ROLLING`, or ECS native `BLUE_GREEN`, `LINEAR`, `CANARY` (ADR 0031). Switching to or from ROLLING replaces the production listener rule."
  type        = string
  default     = "BLUE_GREEN"

  validation {
    condition     = contains(["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"], var.deployment_strategy)
    error_message = "deployment_strategy must be ROLLING, BLUE_GREEN, LINEAR or CANARY."
  }
}

variable "bake_time_in_minutes" {
  description = "Minutes both revisions stay up after traffic has moved, before blue is stopped (blue/green strategies)."
  type        = number
  default     = 10

  validation {
    condition     = var.bake_time_in_minutes >= 0 && var.bake_time_in_minutes <= 1440
    error_message = "bake_time_in_minutes must be between 0 and 1440."
  }
}

variable "traffic_shift_percent" {
  description = "LINEAR: percent moved per step; CANARY: percent in the canary step."
  type        = number
  default     = 10

  validation {
    condition     = var.traffic_shift_percent >= 1 && var.traffic_shift_percent <= 100
    error_message = "traffic_shift_percent must be between 1 and 100."
  }
}

variable "traffic_shift_bake_minutes" {
  description = "LINEAR: minutes per step; CANARY: minutes the canary runs before the rest moves."
  type        = number
  default     = 5

  validation {
    condition     = var.traffic_shift_bake_minutes >= 0 && var.traffic_shift_bake_minutes <= 1440
    error_message = "traffic_shift_bake_minutes must be between 0 and 1440."
  }
}

variable "public_app_url" {
  description = "The app's public origin (`APP_PUBLIC_APP_URL`), e.g. `https://tasks.example.com`: invitation links the API logs (and later e-mails) are absolute with it. Null: they are paths."
  type        = string
  default     = null

  validation {
    condition     = var.public_app_url == null || can(regex("^https?://[^/?#\\s]+$", var.public_app_url))
    error_message = "public_app_url must be an origin (scheme and host, no path), e.g. https://tasks.example.com."
  }
}

variable "email" {
  description = "Invitation e-mail through SES (the email module's outputs: `from_address`, `configuration_set_name`, `send_policy_json`), or null: no e-mail, the inviting owner copies the link (ADR 0105). Needs public_app_url (the links must be absolute)."
  type = object({
    from_address           = string
    configuration_set_name = string
    send_policy_json       = string
  })
  default = null

  validation {
    condition     = var.email == null || var.public_app_url != null
    error_message = "E-mailed invitation links must be absolute: set public_app_url with email."
  }
}

variable "cors_origins" {
  description = "Origins allowed by the API's CORS policy (`APP_CORS_ORIGINS`, comma-joined)."
  type        = list(string)

  validation {
    condition     = alltrue([for o in var.cors_origins : can(regex("^https?://[^/*]+$", o))])
    error_message = "cors_origins must be origins without path or wildcard."
  }
}

variable "database" {
  description = "Database connection (ADR 0056). The app: RDS Proxy endpoint, port, database name, and the role it logs in as with IAM tokens (`app_username`, allowed by `app_user_arn`, the `rds-db:connect` resource). The migration task only: the instance's own address, its security group, and the RDS-managed master secret (JSON keys `username`, `password`) with its KMS key."
  type = object({
    host                    = string
    port                    = number
    name                    = string
    app_username            = string
    app_user_arn            = string
    instance_address        = string
    security_group_id       = string
    master_user_secret_arn  = string
    master_user_kms_key_arn = string
  })

  validation {
    condition     = can(regex("^arn:[^:]+:rds-db:[^:]+:[^:]+:dbuser:[^/:]+/${var.database.app_username}$", var.database.app_user_arn))
    error_message = "database.app_user_arn must be the proxy's dbuser ARN for app_username: arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:PROXY_RESOURCE_ID/APP_USERNAME."
  }
}

variable "migration" {
  description = "Size of the migration task (a separate task definition family, ADR 0056) and where it trusts the database's certificate (`ssl_root_cert`: the RDS CA bundle the image ships)."
  type = object({
    cpu           = optional(number, 256)
    memory        = optional(number, 512)
    command       = optional(list(string), ["alembic", "upgrade", "head"])
    ssl_root_cert = optional(string, "/app/certs/rds-global-bundle.pem")
  })
  default = {}
}

variable "redis" {
  description = "Cache connection: primary endpoint, port and the AUTH token secret (JSON key `password`)."
  type = object({
    host       = string
    port       = number
    secret_arn = string
  })
}

variable "bucket" {
  description = "Uploads/exports bucket: name, ARN, its KMS key and the exports prefix."
  type = object({
    name           = string
    arn            = string
    kms_key_arn    = string
    exports_prefix = optional(string, "exports/")
  })
}

variable "queue" {
  description = "Exports queue: URL, ARN, name and its KMS key."
  type = object({
    url         = string
    arn         = string
    name        = string
    kms_key_arn = string
  })
}

variable "jwt_signing_key_version" {
  description = "Version of the JWT signing key; increase it to generate and store a new key (write-only, never in state)."
  type        = number
  default     = 1

  validation {
    condition     = var.jwt_signing_key_version >= 1
    error_message = "jwt_signing_key_version must be at least 1."
  }
}

variable "secret_recovery_window_days" {
  description = "Recovery window of the JWT and origin-verify secrets after deletion (0 deletes at once; 7-30 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}
