output "site_url" {
  description = "URL of the site."
  value       = "https://${var.domain_name}"
}

output "api_url" {
  description = "Base URL of the API through CloudFront."
  value       = "https://${var.domain_name}${trimsuffix(var.api_path_pattern, "*")}"
}

output "api_cache_policy_ids" {
  description = "IDs of the API's cache policies (never cached, compressed; ADR 0107), by behaviour: `api` (api_path_pattern) and `api_auth` (api_auth_path_pattern)."
  value = {
    api      = aws_cloudfront_cache_policy.api["api"].id
    api_auth = aws_cloudfront_cache_policy.api["api-auth"].id
  }
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "CloudFront domain name of the distribution."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "site_bucket_name" {
  description = "Name of the static site bucket the deploy tool publishes to."
  value       = aws_s3_bucket.site.id
}

output "site_bucket_arn" {
  description = "ARN of the static site bucket."
  value       = aws_s3_bucket.site.arn
}

output "site_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the static site bucket (the deploy role encrypts with it through S3)."
  value       = aws_kms_key.site.arn
}

output "web_acl_arn" {
  description = "ARN of the CLOUDFRONT-scope WAF web ACL."
  value       = aws_wafv2_web_acl.this.arn
}

output "web_acl_name" {
  description = "Name of the WAF web ACL (CloudWatch dimension `WebACL`)."
  value       = aws_wafv2_web_acl.this.name
}

output "certificate_arn" {
  description = "ARN of the us-east-1 ACM certificate of the distribution."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "vpc_origin_id" {
  description = "ID of the CloudFront VPC origin (internal ALB mode), or null."
  value       = try(aws_cloudfront_vpc_origin.alb[0].id, null)
}
