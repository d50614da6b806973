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
  description = "Isolated (no internet route) subnets for the cache subnet group."
  type        = list(string)

  validation {
    condition     = length(var.isolated_subnet_ids) >= 1
    error_message = "At least one subnet is required."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach the cache port, keyed by a stable name (for example `{ api = ..., worker = ... }`)."
  type        = map(string)
  default     = {}
}

variable "engine" {
  description = "Cache engine: `valkey` (default, Redis-compatible and cheaper) or `redis`."
  type        = string
  default     = "valkey"

  validation {
    condition     = contains(["valkey", "redis"], var.engine)
    error_message = "engine must be `valkey` or `redis` (lowercase)."
  }
}

variable "engine_version" {
  description = "Engine version (major.minor), for example `9.1` for Valkey or `7.1` for Redis OSS. The default also sets the local valkey-server's version (ADR 0102, checked by ops/tests/test_parity.py); null takes the default."
  type        = string
  default     = "9.1"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9x]+$", var.engine_version))
    error_message = "engine_version must be `major.minor`, for example `9.1`."
  }
}

variable "parameter_group_name" {
  description = "Cache parameter group; null uses the engine's default group (cluster mode disabled)."
  type        = string
  default     = null
}

variable "node_type" {
  description = "Node type."
  type        = string
  default     = "cache.t4g.small"

  validation {
    condition     = startswith(var.node_type, "cache.")
    error_message = "node_type must be an ElastiCache node type such as `cache.t4g.small`."
  }
}

variable "num_cache_clusters" {
  description = "Nodes in the replication group (1 primary + replicas). 1 = single node in a single AZ (dev); 2 or more enables automatic failover."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 1 and 6."
  }
}

variable "multi_az" {
  description = "Enable Multi-AZ (replicas in other AZs, automatic failover). Only effective with 2 or more nodes."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for at-rest encryption and the AUTH token secret."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key for the slow log group (its policy must allow CloudWatch Logs). Null: service default encryption."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the slow log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts."
  }
}

variable "snapshot_retention_days" {
  description = "Days automatic snapshots are kept (0 disables snapshots)."
  type        = number
  default     = 7

  validation {
    condition     = var.snapshot_retention_days >= 0 && var.snapshot_retention_days <= 35
    error_message = "snapshot_retention_days must be between 0 and 35."
  }
}

variable "snapshot_window" {
  description = "Daily snapshot window (UTC), `hh24:mi-hh24:mi`; must not overlap the maintenance window."
  type        = string
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$", var.snapshot_window))
    error_message = "snapshot_window must look like `03:00-04:00`."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window (UTC), `ddd:hh24:mi-ddd:hh24:mi`."
  type        = string
  default     = "sun:05:00-sun:06:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like `sun:05:00-sun:06:00`."
  }
}

variable "final_snapshot" {
  description = "Take a final snapshot when the replication group is deleted (prod)."
  type        = bool
  default     = true
}

variable "apply_immediately" {
  description = "Apply modifications at once instead of in the maintenance window."
  type        = bool
  default     = false
}

variable "secret_recovery_window_days" {
  description = "Recovery window of the AUTH token secret after deletion (0 deletes at once; 7-30 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}
