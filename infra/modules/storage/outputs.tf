output "bucket_name" {
  description = "Name of the uploads/exports bucket (`APP_S3_BUCKET`)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the uploads/exports bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the uploads/exports bucket."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "exports_prefix" {
  description = "Key prefix of export files."
  value       = var.exports_prefix
}

output "log_bucket_name" {
  description = "Name of the access log bucket (ALB under `alb/`, CloudFront under `cloudfront/`, S3 under `s3/`)."
  value       = aws_s3_bucket.logs.id

  # Log deliveries check the bucket policy when they are configured.
  depends_on = [aws_s3_bucket_policy.logs]
}

output "log_bucket_arn" {
  description = "ARN of the access log bucket."
  value       = aws_s3_bucket.logs.arn

  # Log deliveries check the bucket policy when they are configured.
  depends_on = [aws_s3_bucket_policy.logs]
}

output "log_bucket_domain_name" {
  description = "Domain name of the access log bucket."
  value       = aws_s3_bucket.logs.bucket_domain_name
}

output "replica_bucket_arn" {
  description = "ARN of the cross-region replica bucket, or null."
  value       = try(aws_s3_bucket.replica[0].arn, null)
}

output "replica_kms_key_arn" {
  description = "ARN of the KMS key of the replica bucket, or null."
  value       = try(aws_kms_key.replica[0].arn, null)
}
