variable "name" {
  description = "Name of the SES configuration set, e.g. taskapp-prod."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "Letters, digits, _ and -, at most 64 characters."
  }
}

variable "domain" {
  description = "Domain the app sends from (an SES domain identity, verified through its DKIM records), e.g. example.com or mail.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "A lower-case domain name such as mail.example.com."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone that holds var.domain: the three DKIM CNAME records go there."
  type        = string
}

variable "from_local_part" {
  description = "The part before @ of the sender address (the only address the app may send from)."
  type        = string
  default     = "no-reply"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._+-]{0,63}$", var.from_local_part))
    error_message = "A plain local part such as no-reply or invitations."
  }
}
