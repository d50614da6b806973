variable "project" {
  description = "Project name; the environments are named `<project>-<environment>` (keep in step with the env roots' `project`)."
  type        = string
  default     = "taskapp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,12}$", var.project))
    error_message = "project must be 2-13 lowercase letters, digits or hyphens."
  }
}

variable "region" {
  description = "Region of the state bucket and of this stack's regional resources."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS Region code such as eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS account IDs this stack may be applied to. Null allows any."
  type        = list(string)
  default     = null
}

variable "tags" {
  description = "Extra default tags."
  type        = map(string)
  default     = {}
}

variable "state_bucket_name" {
  description = "Name of the Terraform state bucket. Null derives `<project>-tfstate-<account>-<region>`."
  type        = string
  default     = null

  validation {
    condition     = var.state_bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "state_noncurrent_version_days" {
  description = "Days old state versions are kept (the newest 10 are always kept)."
  type        = number
  default     = 90

  validation {
    condition     = var.state_noncurrent_version_days >= 1
    error_message = "state_noncurrent_version_days must be at least 1."
  }
}

variable "github_repository" {
  description = "GitHub repository (`owner/name`) whose workflows may assume the deploy roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "create_oidc_provider" {
  description = "Create the GitHub Actions OIDC provider (an account has at most one per URL). False: pass `existing_oidc_provider_arn`."
  type        = bool
  default     = true
}

variable "existing_oidc_provider_arn" {
  description = "ARN of an existing `token.actions.githubusercontent.com` OIDC provider, when `create_oidc_provider` is false."
  type        = string
  default     = null

  validation {
    condition     = var.existing_oidc_provider_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token.actions.githubusercontent.com$", var.existing_oidc_provider_arn))
    error_message = "existing_oidc_provider_arn must be the ARN of the GitHub Actions OIDC provider."
  }
}

variable "environments" {
  description = "Environments deployed to this account, keyed by name (the GitHub environment of the same name may assume its deploy role), with their Region."
  type = map(object({
    region = string
  }))

  validation {
    condition     = length(var.environments) > 0 && alltrue([for k in keys(var.environments) : contains(["dev", "stage", "prod"], k)])
    error_message = "environments must be a non-empty map keyed by dev, stage or prod."
  }

  validation {
    condition     = alltrue([for e in values(var.environments) : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", e.region))])
    error_message = "Each environment's region must be an AWS Region code."
  }
}

variable "cloudfront_distribution_ids" {
  description = "CloudFront distribution ID per environment (env output `cloudfront_distribution_id`), so its deploy role may create invalidations there. Fill in after the environment's first apply, then apply the bootstrap again."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.cloudfront_distribution_ids) : can(regex("^E[A-Z0-9]+$", id))])
    error_message = "cloudfront_distribution_ids values must be CloudFront distribution IDs."
  }
}
