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
  description = "SNS topic for budget alerts and immediate anomaly alerts (the observability module's alarm topic; its policy lets budgets and costalerts publish). Used only when enable_sns_notifications is true."
  type        = string
  default     = null
}

variable "enable_sns_notifications" {
  description = "Send budget alerts and immediate anomaly alerts to sns_topic_arn. A flag of its own because the topic's ARN is unknown until the topic exists, and what gets created must be known at plan."
  type        = bool
  default     = false
  nullable    = false

  validation {
    # Unknown (and so checked only at apply) while the topic is being created in the same run.
    condition     = var.enable_sns_notifications == (var.sns_topic_arn != null)
    error_message = "Set enable_sns_notifications = true exactly when sns_topic_arn is given."
  }
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
  description = "Tag keys to activate as cost allocation tags when activate_cost_allocation_tags is true (account-level; manage them from one environment per account only)."
  type        = list(string)
  default     = []
}

variable "activate_cost_allocation_tags" {
  description = "Activate cost_allocation_tags. Leave false on the first apply: Cost Explorer accepts a key only once it has seen it on a resource, up to 24 hours later; then set true and apply again. Until then, budgets and anomaly monitors filtered by a tag see no cost."
  type        = bool
  default     = false
  nullable    = false
}
