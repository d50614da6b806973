variable "name" {
  description = "Name prefix for every resource of this module, e.g. `tasktracker-prod`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget in USD (docs/cost.md: about 150 for dev)."
  type        = number

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be positive."
  }
}

variable "budget_alert_thresholds" {
  description = "Alerts as percentages of the budget: `actual` spend crossing each value, `forecasted` month-end spend crossing each value."
  type = object({
    actual     = optional(list(number), [80, 100])
    forecasted = optional(list(number), [100])
  })
  default = {}

  validation {
    condition     = alltrue([for t in concat(var.budget_alert_thresholds.actual, var.budget_alert_thresholds.forecasted) : t > 0 && t <= 1000])
    error_message = "Budget alert thresholds are percentages in (0, 1000]."
  }
}

variable "cost_filter_tag" {
  description = "Restrict the budget and the anomaly monitor to resources carrying this cost allocation tag (the default_tags `Environment` of one environment, for example). Null covers the whole account."
  type = object({
    key   = string
    value = string
  })
  default = null
}

variable "notification_emails" {
  description = "E-mail addresses for budget alerts and the daily anomaly summary."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "notification_emails must be e-mail addresses."
  }
}

variable "sns_topic_arn" {
  description = "SNS topic for budget alerts and immediate anomaly alerts (the observability module's alarm topic; its policy lets budgets and costalerts publish). Null sends e-mail only."
  type        = string
  default     = null
}

variable "anomaly_threshold_usd" {
  description = "Cost anomalies with a total impact at or above this many USD are reported."
  type        = number
  default     = 20

  validation {
    condition     = var.anomaly_threshold_usd >= 0
    error_message = "anomaly_threshold_usd must not be negative."
  }
}

variable "create_anomaly_monitor" {
  description = "Create a Cost Anomaly Detection monitor and its subscriptions. Without cost_filter_tag the monitor is the account's AWS-services monitor, of which an account has only one: switch it on in one environment only."
  type        = bool
  default     = true
}

variable "cost_allocation_tags" {
  description = "Tag keys to activate as cost allocation tags (account-level; manage them from one environment only). A key can only be activated once AWS has seen it on a resource, up to 24 hours after the first apply."
  type        = list(string)
  default     = []
}
