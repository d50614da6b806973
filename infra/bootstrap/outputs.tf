output "state_bucket_name" {
  description = "Bucket for the environments' S3 backend (`-backend-config=\"bucket=...\"`)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_region" {
  description = "Region of the state bucket (`-backend-config=\"region=...\"`)."
  value       = local.region
}

output "state_kms_key_arn" {
  description = "KMS key that encrypts the state (`-backend-config=\"kms_key_id=...\"`)."
  value       = aws_kms_key.state.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider."
  value       = local.oidc_provider_arn
}

output "deploy_role_arns" {
  description = "Deploy role ARN per environment: set it as the GitHub environment's `AWS_ROLE_ARN` and as the env root's `deploy_role_arn`."
  value       = { for k, r in aws_iam_role.deploy : k => r.arn }
}

output "backend_config" {
  description = "Backend settings for `terraform init` in infra/envs/<env> (the key is in each env's backend.hcl)."
  value = {
    bucket       = aws_s3_bucket.state.id
    region       = local.region
    kms_key_id   = aws_kms_key.state.arn
    use_lockfile = true
    encrypt      = true
  }
}
