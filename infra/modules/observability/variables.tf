variable "name" {
  description = "Name prefix for every resource of this module, e.g. `tasktracker-prod`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for the log groups and the alarm topic (the security module's `logs` key; its policy lets CloudWatch Logs and every service that publishes to the topic use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_groups" {
  description = "CloudWatch Logs groups to create, by key (`api`, `worker`, `adot`...). The name defaults to `/<name>/<key>`; retention defaults to log_retention_in_days."
  type = map(object({
    name              = optional(string)
    retention_in_days = optional(number)
  }))
  default = {}
}

variable "log_retention_in_days" {
  description = "Default retention of the log groups (dev short, prod long)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts."
  }
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_email_addresses must be e-mail addresses."
  }
}

variable "slo" {
  description = "Service level objectives of the API (docs/slo.md): availability target in percent of non-5xx requests, latency target in percent of requests answered within latency_threshold_seconds, both over a rolling 30 days."
  type = object({
    availability_target       = optional(number, 99.9)
    latency_target            = optional(number, 99)
    latency_threshold_seconds = optional(number, 0.3)
  })
  default = {}

  validation {
    condition     = var.slo.availability_target > 90 && var.slo.availability_target < 100 && var.slo.latency_target > 90 && var.slo.latency_target < 100
    error_message = "SLO targets are percentages between 90 and 100 (exclusive)."
  }

  validation {
    condition     = var.slo.latency_threshold_seconds > 0 && var.slo.latency_threshold_seconds <= 10
    error_message = "slo.latency_threshold_seconds must be between 0 and 10 seconds."
  }
}

variable "burn_rate_windows" {
  description = "Multi-window burn-rate alerts (Google SRE workbook): each fires when both the long and the short window burn the error budget faster than burn_rate. Long windows are at most 86400 s (CloudWatch's limit)."
  type = map(object({
    long_window_seconds  = number
    short_window_seconds = number
    burn_rate            = number
  }))
  default = {
    fast   = { long_window_seconds = 3600, short_window_seconds = 300, burn_rate = 14.4 }
    medium = { long_window_seconds = 21600, short_window_seconds = 1800, burn_rate = 6 }
    slow   = { long_window_seconds = 86400, short_window_seconds = 7200, burn_rate = 3 }
  }
  nullable = false

  validation {
    condition = alltrue([
      for w in values(var.burn_rate_windows) :
      w.long_window_seconds % 60 == 0 && w.short_window_seconds % 60 == 0 &&
      w.long_window_seconds <= 86400 && w.short_window_seconds < w.long_window_seconds && w.burn_rate >= 1
    ])
    error_message = "Windows must be multiples of 60 s, long <= 86400 s, short < long, burn_rate >= 1."
  }
}

variable "alb" {
  description = "The API's load balancer: `arn_suffix` of the ALB and of every target group the API service can be in, by stable key (`blue`, and `green` under blue/green: the compute module's `target_group_arn_suffixes`). SLO alarms and widgets read the load balancer's own metrics (the ALB fronts only the API), so they follow the live target group; only the unhealthy-target alarms are per target group. Null skips the SLO alarms and ALB widgets."
  type = object({
    arn_suffix                = string
    target_group_arn_suffixes = map(string)
  })
  default = null

  validation {
    condition     = var.alb == null ? true : length(var.alb.target_group_arn_suffixes) > 0
    error_message = "alb.target_group_arn_suffixes must name at least one target group."
  }
}

variable "ecs" {
  description = "ECS cluster name and the service names to chart and alarm on (CPU and memory). Null skips them."
  type = object({
    cluster_name  = string
    service_names = list(string)
  })
  default = null
}

variable "rds" {
  description = "RDS instance identifier (CPU, connections, storage, replica lag) and optional RDS Proxy name. Null skips them."
  type = object({
    instance_id = string
    proxy_name  = optional(string)
  })
  default = null
}

variable "cache" {
  description = "ElastiCache cache cluster (node) IDs of the replication group (`member_clusters`). Null skips the cache widgets and alarms."
  type = object({
    cache_cluster_ids = list(string)
  })
  default = null
}

variable "cloudfront_distribution_id" {
  description = "CloudFront distribution ID for the 4xx/5xx widgets (CloudFront metrics live in us-east-1). Null skips them."
  type        = string
  default     = null
}

variable "sqs" {
  description = "Export queue and its dead-letter queue names (age of oldest message, DLQ depth). Null skips them."
  type = object({
    queue_name                = string
    dlq_name                  = string
    max_age_of_oldest_seconds = optional(number, 900)
  })
  default = null
}

variable "thresholds" {
  description = "Thresholds of the cause-oriented alarms that back up the SLO alarms."
  type = object({
    rds_cpu_percent          = optional(number, 80)
    rds_free_storage_bytes   = optional(number, 5368709120)
    rds_max_connections      = optional(number, 400)
    cache_engine_cpu_percent = optional(number, 80)
    cache_evictions_per_5min = optional(number, 100)
    ecs_cpu_percent          = optional(number, 85)
    ecs_memory_percent       = optional(number, 85)
  })
  default = {}
}

variable "xray_sampling" {
  description = "X-Ray sampling rule for the API's traces (sent by the ADOT collector): a reservoir per second plus a fixed rate of the rest."
  type = object({
    priority       = optional(number, 1000)
    reservoir_size = optional(number, 1)
    fixed_rate     = optional(number, 0.05)
    service_name   = optional(string, "*")
  })
  default = {}

  validation {
    condition     = var.xray_sampling.fixed_rate >= 0 && var.xray_sampling.fixed_rate <= 1 && var.xray_sampling.priority >= 1 && var.xray_sampling.priority <= 9999
    error_message = "xray_sampling.fixed_rate must be within [0, 1] and priority within [1, 9999]."
  }
}
