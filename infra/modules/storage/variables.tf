variable "name" {
  description = "Name prefix for every resource of this module (for example `taskapp-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens."
  }
}

variable "bucket_name" {
  description = "Name of the uploads/exports bucket. Null derives `<name>-uploads-<account>-<region>`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "log_bucket_name" {
  description = "Name of the access log bucket. Null derives `<name>-logs-<account>-<region>`."
  type        = string
  default     = null

  validation {
    condition     = var.log_bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_name))
    error_message = "log_bucket_name must be a valid S3 bucket name."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key for SSE-KMS on the uploads bucket (bucket key on)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to POST (presigned POST uploads) and GET objects, for example `[\"https://app.example.com\"]`. Empty: no CORS configuration."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.cors_allowed_origins : can(regex("^https://[^/*]+$", o))])
    error_message = "cors_allowed_origins must be https origins without path or wildcard."
  }
}

variable "intelligent_tiering_after_days" {
  description = "Days after creation before objects move to S3 Intelligent-Tiering (0 = at once)."
  type        = number
  default     = 0

  validation {
    condition     = var.intelligent_tiering_after_days >= 0
    error_message = "intelligent_tiering_after_days must be zero or more."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "exports_prefix" {
  description = "Key prefix under which the export worker writes CSV files."
  type        = string
  default     = "exports/"

  validation {
    condition     = can(regex("^[a-zA-Z0-9!_.*'()-]+/$", var.exports_prefix))
    error_message = "exports_prefix must be a simple key prefix ending with a slash."
  }
}

variable "exports_expiration_days" {
  description = "Days after which export files expire (the API hands out short-lived links to them)."
  type        = number
  default     = 7

  validation {
    condition     = var.exports_expiration_days >= 1
    error_message = "exports_expiration_days must be at least 1."
  }
}

variable "pending_uploads_prefix" {
  description = "Key prefix under which browsers upload attachments until the API confirms them (confirmed files move to their own key). Must match the app (`attachments/storage.py`)."
  type        = string
  default     = "pending-uploads/"

  validation {
    condition     = can(regex("^[a-zA-Z0-9!_.*'()-]+/$", var.pending_uploads_prefix))
    error_message = "pending_uploads_prefix must be a simple key prefix ending with a slash."
  }
}

variable "pending_uploads_expiration_days" {
  description = "Days after which unconfirmed uploads expire. The app forgets a pending upload sooner (`APP_ATTACHMENT_PENDING_EXPIRY_SECONDS`, at most one day)."
  type        = number
  default     = 1

  validation {
    condition     = var.pending_uploads_expiration_days >= 1
    error_message = "pending_uploads_expiration_days must be at least 1."
  }
}

variable "log_retention_days" {
  description = "Days access logs are kept in the log bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.log_retention_days >= 1
    error_message = "log_retention_days must be at least 1."
  }
}

variable "alb_logs_legacy_account_principal" {
  description = "Also allow the region's ELB account to write ALB access logs (needed in Regions launched before August 2022; the service principal is used everywhere)."
  type        = bool
  default     = true
}

variable "replication" {
  description = "Cross-region replication of the uploads bucket. Null disables it. `region` is the destination Region; a replica bucket and a KMS key are created there."
  type = object({
    region        = string
    bucket_name   = optional(string)
    storage_class = optional(string, "STANDARD_IA")
  })
  default = null

  validation {
    condition     = var.replication == null ? true : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.replication.region))
    error_message = "replication.region must be an AWS Region code."
  }

  validation {
    condition     = var.replication == null ? true : contains(["STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR"], var.replication.storage_class)
    error_message = "replication.storage_class must be STANDARD, STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA or GLACIER_IR."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete non-empty buckets (never in prod)."
  type        = bool
  default     = false
}
