variable "name" {
  description = "Name prefix for every resource of this module (for example `taskapp-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens."
  }
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 20
    error_message = "cidr must be a valid IPv4 CIDR block of /20 or larger."
  }
}

variable "azs" {
  description = "Availability Zone names to use. Null picks the first `az_count` available AZs of the region. Keep the order stable: an AZ's subnet CIDRs follow its position."
  type        = list(string)
  default     = null

  validation {
    condition     = var.azs == null ? true : (length(var.azs) >= 2 && length(var.azs) <= 8 && length(distinct(var.azs)) == length(var.azs))
    error_message = "azs must list 2 to 8 distinct Availability Zones."
  }
}

variable "az_count" {
  description = "Number of AZs to use when `azs` is null. At least 2 (ALB and RDS subnet groups need two AZs)."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 8
    error_message = "az_count must be between 2 and 8."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet (5 on a /16 gives /21 subnets). Must leave room for 24 subnets."
  type        = number
  default     = 5

  validation {
    condition     = var.subnet_newbits >= 5 && var.subnet_newbits <= 12
    error_message = "subnet_newbits must be between 5 and 12."
  }
}

variable "enable_nat_gateway" {
  description = "Create NAT gateway(s) for egress from the private subnets."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by all AZs (cheap, one AZ is a single point of failure for egress) instead of one per AZ."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "AWS services that get an interface VPC endpoint (the part after `com.amazonaws.<region>.`)."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sqs", "kms"]

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9.-]+$", s))])
    error_message = "interface_endpoints must be service suffixes such as `ecr.api` or `logs`."
  }
}

variable "interface_endpoints_single_az" {
  description = "Place interface endpoints in the first AZ only (one ENI per endpoint instead of one per AZ: cheaper, not zonal-failure tolerant)."
  type        = bool
  default     = false
}

variable "flow_log_traffic_type" {
  description = "Traffic captured by the VPC flow log."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the flow log group, in days (flow logs are security evidence: a year by default)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention value CloudWatch Logs accepts."
  }
}

variable "flow_log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the flow log group (its key policy must allow CloudWatch Logs). Null uses the service default encryption."
  type        = string
  default     = null
}
