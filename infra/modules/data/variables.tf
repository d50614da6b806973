variable "name" {
  description = "Name prefix for every resource of this module (for example `taskapp-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "isolated_subnet_ids" {
  description = "Isolated (no internet route) subnets for the DB subnet group; at least two AZs."
  type        = list(string)

  validation {
    condition     = length(var.isolated_subnet_ids) >= 2
    error_message = "An RDS subnet group needs subnets in at least two AZs."
  }
}

variable "proxy_subnet_ids" {
  description = "Private subnets for RDS Proxy (the app tier)."
  type        = list(string)

  validation {
    condition     = length(var.proxy_subnet_ids) >= 2
    error_message = "RDS Proxy needs subnets in at least two AZs."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach RDS Proxy on 5432, keyed by a stable name (for example `{ api = ..., worker = ... }`)."
  type        = map(string)
  default     = {}
}

variable "direct_client_security_group_ids" {
  description = "Security groups allowed to reach the database itself on 5432, bypassing the proxy (normally empty: every client goes through RDS Proxy)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for storage, the master user secret and Performance Insights."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key for the exported PostgreSQL log groups (its policy must allow CloudWatch Logs). Null: service default encryption."
  type        = string
  default     = null
}

variable "engine_version" {
  description = "PostgreSQL version; a major version (for example `18`) lets minor upgrades happen in the maintenance window. The default also sets the local servers' major (ADR 0102, checked by ops/tests/test_parity.py)."
  type        = string
  default     = "18"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL major (`18`) or major.minor (`18.1`)."
  }
}

variable "parameter_group_family" {
  description = "DB parameter group family; null derives it from the major of `engine_version` (`postgres18` for `18`)."
  type        = string
  default     = null

  validation {
    condition     = var.parameter_group_family == null || can(regex("^postgres[0-9]+$", var.parameter_group_family))
    error_message = "parameter_group_family must look like `postgres18`."
  }
}

variable "parameters" {
  description = "Extra or overriding DB parameters, keyed by parameter name (`rds.force_ssl` is fixed at 1)."
  type = map(object({
    value        = string
    apply_method = optional(string, "immediate")
  }))
  default = {}

  validation {
    condition     = alltrue([for p in values(var.parameters) : contains(["immediate", "pending-reboot"], p.apply_method)])
    error_message = "apply_method must be `immediate` or `pending-reboot`."
  }

  validation {
    condition     = !contains(keys(var.parameters), "rds.force_ssl")
    error_message = "rds.force_ssl is always 1 (TLS required) and cannot be overridden."
  }
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS instance class such as `db.t4g.medium`."
  }
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "taskapp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and use lowercase letters, digits and underscores."
  }
}

variable "master_username" {
  description = "Master user name (its password is generated and rotated by RDS in Secrets Manager)."
  type        = string
  default     = "taskapp_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["postgres", "admin", "rdsadmin"], var.master_username)
    error_message = "master_username must be 1-16 lowercase letters, digits or underscores, not a reserved name."
  }
}

variable "app_db_username" {
  description = "PostgreSQL role the app logs in as through RDS Proxy with IAM tokens. The migrations create it (setting `APP_DATABASE_APP_ROLE`) with DML only and `rds_iam`; the master user is for migrations only."
  type        = string
  default     = "taskapp_app"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.app_db_username)) && var.app_db_username != var.master_username
    error_message = "app_db_username must be a lower-case PostgreSQL identifier (at most 63 characters) other than master_username."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20
    error_message = "allocated_storage must be at least 20 GiB."
  }
}

variable "max_allocated_storage" {
  description = "Upper limit for storage autoscaling in GiB (0 disables it)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage == 0 || var.max_allocated_storage >= 20
    error_message = "max_allocated_storage must be 0 or at least 20."
  }
}

variable "multi_az" {
  description = "Run a synchronous standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Automated backup retention (point-in-time recovery window), in days."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35 (0 would switch PITR off)."
  }
}

variable "backup_window" {
  description = "Daily backup window (UTC), `hh24:mi-hh24:mi`; must not overlap the maintenance window."
  type        = string
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must look like `02:00-03:00`."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window (UTC), `ddd:hh24:mi-ddd:hh24:mi`."
  type        = string
  default     = "sun:04:00-sun:05:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like `sun:04:00-sun:05:00`."
  }
}

variable "deletion_protection" {
  description = "Protect the instance from deletion (prod)."
  type        = bool
  default     = true
}

variable "final_snapshot" {
  description = "Take a final snapshot when the instance is deleted (prod)."
  type        = bool
  default     = true
}

variable "apply_immediately" {
  description = "Apply modifications at once instead of in the maintenance window."
  type        = bool
  default     = false
}

variable "ca_cert_identifier" {
  description = "Certificate authority of the server certificate."
  type        = string
  default     = "rds-ca-rsa2048-g1"
}

variable "performance_insights_enabled" {
  description = "Enable Performance Insights (encrypted with `kms_key_arn`). Not available on the smallest burstable classes."
  type        = bool
  default     = true
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention: 7, 731, or a multiple of 31."
  type        = number
  default     = 7

  validation {
    condition     = var.performance_insights_retention_days == 7 || var.performance_insights_retention_days == 731 || var.performance_insights_retention_days % 31 == 0
    error_message = "performance_insights_retention_days must be 7, 731 or a multiple of 31."
  }
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 disables it)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "cloudwatch_logs_exports" {
  description = "PostgreSQL logs exported to CloudWatch Logs."
  type        = list(string)
  default     = ["postgresql", "upgrade"]

  validation {
    condition     = alltrue([for l in var.cloudwatch_logs_exports : contains(["postgresql", "upgrade", "iam-db-auth-error"], l)])
    error_message = "cloudwatch_logs_exports accepts postgresql, upgrade and iam-db-auth-error."
  }
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts."
  }
}

variable "proxy_idle_client_timeout" {
  description = "Seconds an idle client connection to RDS Proxy is kept."
  type        = number
  default     = 1800

  validation {
    condition     = var.proxy_idle_client_timeout >= 1 && var.proxy_idle_client_timeout <= 28800
    error_message = "proxy_idle_client_timeout must be between 1 and 28800."
  }
}

variable "proxy_max_connections_percent" {
  description = "Share of the database's max_connections RDS Proxy may open."
  type        = number
  default     = 90

  validation {
    condition     = var.proxy_max_connections_percent >= 1 && var.proxy_max_connections_percent <= 100
    error_message = "proxy_max_connections_percent must be between 1 and 100."
  }
}

variable "proxy_max_idle_connections_percent" {
  description = "Share of the database's max_connections RDS Proxy keeps idle in its pool."
  type        = number
  default     = 50

  validation {
    condition     = var.proxy_max_idle_connections_percent >= 0 && var.proxy_max_idle_connections_percent <= 100
    error_message = "proxy_max_idle_connections_percent must be between 0 and 100."
  }
}

variable "instance_tags" {
  description = "Extra tags on the DB instance only, for example the AWS Backup selection tag (`{ Backup = \"true\" }`)."
  type        = map(string)
  default     = {}
}
