# One provider. Resources that must live in us-east-1 (the CloudFront certificate and its
# validation, the CLOUDFRONT-scope WAF and its logging) set `region` themselves (provider v6).
provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = merge(var.tags, {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = var.repository
    })
  }
}
