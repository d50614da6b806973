variable "name" {
  description = "Name prefix for every resource of this module, e.g. `tasktracker-prod`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before a deleted customer-managed KMS key is destroyed."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30 (AWS limits)."
  }
}

variable "kms_key_administrator_arns" {
  description = "IAM principals (roles) allowed to administer, but not use, the module's KMS keys. The account root is always allowed so IAM policies keep working."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.kms_key_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:", arn))])
    error_message = "kms_key_administrator_arns must be IAM ARNs."
  }
}

variable "create_edge_logs_key" {
  description = "Create a third CMK in us-east-1 for logs that AWS writes there (the CLOUDFRONT-scope WAF's CloudWatch Logs group). A KMS key must live in the log group's region."
  type        = bool
  default     = true
}

variable "create_guardduty" {
  description = "Manage the GuardDuty detector of this account and region. An account-level singleton: set false where another stack (or AWS Organizations) already owns it."
  type        = bool
  default     = true
}

variable "guardduty_finding_publishing_frequency" {
  description = "How often GuardDuty publishes updated findings to EventBridge."
  type        = string
  default     = "FIFTEEN_MINUTES"

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_publishing_frequency)
    error_message = "guardduty_finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

variable "guardduty_features" {
  description = "GuardDuty detector features to manage (aws_guardduty_detector_feature), by feature name, with their additional configurations (name => ENABLED/DISABLED). RUNTIME_MONITORING with ECS_FARGATE_AGENT_MANAGEMENT covers the ECS Fargate tasks."
  type = map(object({
    status                   = optional(string, "ENABLED")
    additional_configuration = optional(map(string), {})
  }))
  default = {
    S3_DATA_EVENTS         = {}
    RDS_LOGIN_EVENTS       = {}
    EBS_MALWARE_PROTECTION = {}
    LAMBDA_NETWORK_LOGS    = {}
    RUNTIME_MONITORING = {
      additional_configuration = {
        ECS_FARGATE_AGENT_MANAGEMENT = "ENABLED"
        EC2_AGENT_MANAGEMENT         = "DISABLED"
        EKS_ADDON_MANAGEMENT         = "DISABLED"
      }
    }
  }

  validation {
    condition = alltrue(flatten([
      for name, feature in var.guardduty_features : concat(
        [contains(["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"], name)],
        [contains(["ENABLED", "DISABLED"], feature.status)],
        [for status in values(feature.additional_configuration) : contains(["ENABLED", "DISABLED"], status)],
      )
    ]))
    error_message = "guardduty_features: unknown feature name, or a status other than ENABLED/DISABLED."
  }
}

variable "create_inspector" {
  description = "Enable Amazon Inspector scanning for this account (account-level singleton)."
  type        = bool
  default     = true
}

variable "inspector_resource_types" {
  description = "Resource types Amazon Inspector scans. ECR covers the API image; LAMBDA any function (e.g. edge helpers)."
  type        = list(string)
  default     = ["ECR", "LAMBDA"]

  validation {
    condition     = length(var.inspector_resource_types) > 0 && alltrue([for t in var.inspector_resource_types : contains(["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"], t)])
    error_message = "inspector_resource_types must be a non-empty list of EC2, ECR, LAMBDA, LAMBDA_CODE."
  }
}

variable "create_securityhub" {
  description = "Enable Security Hub for this account and region (account-level singleton)."
  type        = bool
  default     = true
}

variable "securityhub_standards" {
  description = "Security Hub standards to subscribe explicitly (the account is enabled with enable_default_standards = false so none is enabled twice). Each is the part of the standard ARN after `standards/`."
  type        = list(string)
  default = [
    "aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark/v/3.0.0",
  ]

  validation {
    condition     = alltrue([for s in var.securityhub_standards : can(regex("^[a-z0-9-]+/v/[0-9.]+$", s))])
    error_message = "securityhub_standards entries look like `aws-foundational-security-best-practices/v/1.0.0`."
  }
}

variable "create_config" {
  description = "Manage the AWS Config recorder, delivery channel and conformance pack (one recorder per account and region)."
  type        = bool
  default     = true
}

variable "config_snapshot_delivery_frequency" {
  description = "How often AWS Config delivers configuration snapshots to the audit bucket."
  type        = string
  default     = "TwentyFour_Hours"

  validation {
    condition     = contains(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"], var.config_snapshot_delivery_frequency)
    error_message = "config_snapshot_delivery_frequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
  }
}

variable "config_conformance_pack_template" {
  description = "Body of the AWS Config conformance pack template. Null uses the module's `conformance-pack.yaml` (the spec's rules as AWS managed Config rules)."
  type        = string
  default     = null
}

variable "create_cloudtrail" {
  description = "Create a multi-region CloudTrail trail with log file validation, KMS encryption and CloudWatch Logs delivery."
  type        = bool
  default     = true
}

variable "audit_log_retention_days" {
  description = "Days CloudTrail and AWS Config files are kept in the audit bucket (moved to Glacier Instant Retrieval after 90 days)."
  type        = number
  default     = 365

  validation {
    condition     = var.audit_log_retention_days >= 91
    error_message = "audit_log_retention_days must be at least 91 (objects move to Glacier after 90 days)."
  }
}

variable "cloudtrail_log_group_retention_days" {
  description = "Retention of the CloudTrail CloudWatch Logs group (for metric filters and Logs Insights). CIS and checkov ask for at least a year."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cloudtrail_log_group_retention_days)
    error_message = "cloudtrail_log_group_retention_days must be a retention CloudWatch Logs accepts."
  }
}

variable "audit_bucket_force_destroy" {
  description = "Allow Terraform to delete the audit bucket with its objects (only for throwaway environments)."
  type        = bool
  default     = false
}
