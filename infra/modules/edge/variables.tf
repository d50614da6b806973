variable "name" {
  description = "Name prefix for every resource of this module (for example `taskapp-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens."
  }
}

variable "domain_name" {
  description = "Public name of the site (for example `app.example.com`): CloudFront alias, certificate and Route 53 records."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone that holds `domain_name`."
  type        = string
}

variable "site_bucket_name" {
  description = "Name of the static site bucket. Null derives `<name>-site-<account>`."
  type        = string
  default     = null

  validation {
    condition     = var.site_bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.site_bucket_name))
    error_message = "site_bucket_name must be a valid S3 bucket name."
  }
}

variable "alb" {
  description = "The API origin from the compute module: `mode` (`public` or `internal`), the ALB ARN (VPC origin target) and the DNS name its certificate covers."
  type = object({
    mode               = string
    arn                = string
    origin_domain_name = string
  })

  validation {
    condition     = contains(["public", "internal"], var.alb.mode)
    error_message = "alb.mode must be `public` or `internal`."
  }
}

variable "origin_verify_header" {
  description = "Secret header CloudFront adds to every API origin request; the ALB refuses requests without it."
  type = object({
    name  = string
    value = string
  })
  sensitive = true
}

variable "api_path_pattern" {
  description = "Path pattern routed to the API origin: never cached, compressed by CloudFront (ADR 0107)."
  type        = string
  default     = "/api/*"
}

variable "api_events_path_pattern" {
  description = "Path pattern of the API's live-update streams (Server-Sent Events; ADR 0104): never cached, never compressed (managed CachingDisabled). Within api_path_pattern."
  type        = string
  default     = "/api/projects/*/events"

  validation {
    condition     = startswith(var.api_events_path_pattern, "/")
    error_message = "The events path pattern starts with /."
  }
}

variable "api_auth_path_pattern" {
  description = "Path pattern of the API's auth routes: the only API requests CloudFront forwards the session cookie on (never cached). Within api_path_pattern."
  type        = string
  default     = "/api/auth/*"

  validation {
    condition     = startswith(var.api_auth_path_pattern, "/")
    error_message = "The auth path pattern starts with /."
  }
}

variable "session_cookie_name" {
  description = "The API's session cookie (the refresh token, HttpOnly, Path=/api/auth; ADR 0074): forwarded to the API on api_auth_path_pattern only."
  type        = string
  default     = "taskapp_refresh"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.session_cookie_name))
    error_message = "A cookie name of letters, digits, _ and -."
  }
}

variable "api_origin_read_timeout" {
  description = "Seconds CloudFront waits for the API to answer, and between two parts of a streamed answer (1-60 without a quota increase). Above the API's live-update heartbeat (15 s, ADR 0104)."
  type        = number
  default     = 30

  validation {
    condition     = var.api_origin_read_timeout >= 1 && var.api_origin_read_timeout <= 180
    error_message = "api_origin_read_timeout must be between 1 and 180."
  }
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "minimum_protocol_version" {
  description = "Minimum TLS version for viewers (the provider's default is TLSv1, so it is always set)."
  type        = string
  default     = "TLSv1.2_2021"

  validation {
    condition     = contains(["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"], var.minimum_protocol_version)
    error_message = "minimum_protocol_version must be TLSv1.2_2021 or newer."
  }
}

variable "content_security_policy" {
  description = "Content-Security-Policy override. Null uses the one in `security_headers.json` (shared with the local edge) with `{s3_origin}` replaced by `upload_origins`."
  type        = string
  default     = null
}

variable "upload_origins" {
  description = "Origins of the uploads bucket the browser sends presigned POSTs to (CSP `connect-src`), for example `[\"https://<bucket>.s3.<region>.amazonaws.com\"]`."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.upload_origins : can(regex("^https://[^/*]+$", o))])
    error_message = "upload_origins must be https origins without path or wildcard."
  }
}

variable "hsts_max_age_seconds" {
  description = "Strict-Transport-Security max-age."
  type        = number
  default     = 31536000

  validation {
    condition     = var.hsts_max_age_seconds >= 86400
    error_message = "hsts_max_age_seconds must be at least one day."
  }
}

variable "hsts_preload" {
  description = "Add `preload` to Strict-Transport-Security (only once the whole domain is HTTPS for good)."
  type        = bool
  default     = false
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes before the WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 10
    error_message = "waf_rate_limit_per_5_minutes must be at least 10."
  }
}

variable "api_max_body_bytes" {
  description = "Largest API request body the WAF lets through (bodies beyond the 64 KB inspection limit count as too large; uploads go to S3 directly)."
  type        = number
  default     = 65536

  validation {
    condition     = var.api_max_body_bytes >= 1024 && var.api_max_body_bytes <= 65536
    error_message = "api_max_body_bytes must be between 1024 and 65536 (the WAF's CloudFront inspection limit)."
  }
}

variable "waf_log_retention_days" {
  description = "Retention of the WAF log group (us-east-1), in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.waf_log_retention_days)
    error_message = "waf_log_retention_days must be a retention value CloudWatch Logs accepts."
  }
}

variable "waf_log_kms_key_arn" {
  description = "KMS key in us-east-1 for the WAF log group (its policy must allow CloudWatch Logs in us-east-1). Null: service default encryption."
  type        = string
  default     = null
}

variable "site_kms_deletion_window_in_days" {
  description = "Waiting period, in days, before the site bucket's KMS key is deleted after a destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.site_kms_deletion_window_in_days >= 7 && var.site_kms_deletion_window_in_days <= 30
    error_message = "site_kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "log_bucket_name" {
  description = "Access log bucket (S3 server access logs of the site bucket, under `s3/`)."
  type        = string
}

variable "log_bucket_arn" {
  description = "ARN of the access log bucket (CloudFront standard logging v2 writes under `cloudfront/`)."
  type        = string
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a non-empty site bucket."
  type        = bool
  default     = false
}
