variable "name" {
  description = "Name prefix for every resource of this module, e.g. `tasktracker-prod`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the backup vault (the security module's `data` key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "rules" {
  description = "Backup rules by name: cron schedule (UTC), retention in days, optional move to cold storage, and whether recovery points are copied to the second region (copy_to_region)."
  type = map(object({
    schedule                = string
    delete_after_days       = number
    cold_storage_after_days = optional(number)
    copy_to_second_region   = optional(bool, false)
    start_window_minutes    = optional(number, 60)
    completion_window_hours = optional(number, 8)
  }))
  default = {
    daily   = { schedule = "cron(0 3 ? * * *)", delete_after_days = 35 }
    weekly  = { schedule = "cron(0 4 ? * SUN *)", delete_after_days = 90, copy_to_second_region = true }
    monthly = { schedule = "cron(0 5 1 * ? *)", delete_after_days = 365, cold_storage_after_days = 30, copy_to_second_region = true }
  }

  validation {
    condition     = length(var.rules) > 0 && alltrue([for r in values(var.rules) : can(regex("^cron\\(.+\\)$", r.schedule))])
    error_message = "rules must not be empty and each schedule must be a cron() expression."
  }

  validation {
    condition = alltrue([
      for r in values(var.rules) : r.delete_after_days >= 1 && (
        r.cold_storage_after_days == null ? true : r.delete_after_days >= r.cold_storage_after_days + 90
      )
    ])
    error_message = "delete_after_days must be >= 1, and at least 90 days after cold_storage_after_days (AWS Backup minimum in cold storage)."
  }
}

variable "selection_tag" {
  description = "Resources carrying this tag key and value are backed up (selection by tag). The value defaults to `name` (`Backup = tasktracker-prod`), so plans of two environments in one account never select each other's resources, as a shared `Backup = true` would."
  type = object({
    key   = optional(string, "Backup")
    value = optional(string)
  })
  default  = {}
  nullable = false
}

variable "copy_to_region" {
  description = "Second region for copies of the rules with copy_to_second_region (region-level DR). A vault and, unless kms_key_arn is given, a KMS key are created there. Null disables copies."
  type = object({
    region      = string
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.copy_to_region == null ? true : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.copy_to_region.region))
    error_message = "copy_to_region.region must be an AWS region name such as us-west-2."
  }
}

variable "vault_lock" {
  description = "AWS Backup Vault Lock (WORM) on the primary vault. Null leaves it off; once changeable_for_days has passed the lock cannot be removed."
  type = object({
    min_retention_days  = number
    max_retention_days  = number
    changeable_for_days = optional(number, 3)
  })
  default = null

  validation {
    condition     = var.vault_lock == null ? true : var.vault_lock.min_retention_days >= 1 && var.vault_lock.max_retention_days >= var.vault_lock.min_retention_days && var.vault_lock.changeable_for_days >= 3
    error_message = "vault_lock: 1 <= min_retention_days <= max_retention_days, changeable_for_days >= 3."
  }
}

variable "notification_sns_topic_arn" {
  description = "SNS topic for failed backup and copy jobs and finished restores (the observability module's alarm topic; its policy and key must admit backup.amazonaws.com and events.amazonaws.com). Used only when enable_notifications is true."
  type        = string
  default     = null
}

variable "enable_notifications" {
  description = "Send backup failures to notification_sns_topic_arn. A flag of its own because the topic's ARN is unknown until the topic exists, and what gets created must be known at plan."
  type        = bool
  default     = false
  nullable    = false

  validation {
    # Unknown (and so checked only at apply) while the topic is being created in the same run.
    condition     = var.enable_notifications == (var.notification_sns_topic_arn != null)
    error_message = "Set enable_notifications = true exactly when notification_sns_topic_arn is given."
  }
}

variable "force_destroy" {
  description = "Allow Terraform to delete the vaults with their recovery points (only for throwaway environments)."
  type        = bool
  default     = false
}
