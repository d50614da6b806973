# Runs where a terraform binary and the provider are available: `terraform test` in this folder.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name = "tasktracker-test"
}

run "everything_on" {
  command = plan

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.enable_key_rotation])
    error_message = "Every CMK must rotate."
  }

  assert {
    condition     = length(aws_kms_key.this) == 3 && length(aws_kms_alias.this) == 3
    error_message = "Expected the data, logs and edge-logs keys with aliases."
  }

  assert {
    condition     = aws_kms_key.this["edge-logs"].region == "us-east-1"
    error_message = "The edge logs key lives in us-east-1, where CLOUDFRONT-scope WAF logs are written."
  }

  assert {
    condition     = aws_securityhub_account.this[0].enable_default_standards == false
    error_message = "Default standards must be off so the explicit subscriptions are not doubled."
  }

  assert {
    condition     = length(aws_securityhub_standards_subscription.this) == 2
    error_message = "FSBP and CIS must be subscribed."
  }

  assert {
    condition     = contains(keys(aws_guardduty_detector_feature.this), "RUNTIME_MONITORING")
    error_message = "GuardDuty runtime monitoring (ECS Fargate) must be managed as a detector feature."
  }

  assert {
    condition     = aws_cloudtrail.this[0].is_multi_region_trail && aws_cloudtrail.this[0].enable_log_file_validation
    error_message = "The trail must be multi-region with log file validation."
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.audit[0].restrict_public_buckets && aws_s3_bucket_public_access_block.audit[0].block_public_policy
    error_message = "The audit bucket must block public access."
  }

  assert {
    condition     = toset(aws_inspector2_enabler.this[0].resource_types) == toset(["ECR", "LAMBDA"])
    error_message = "Inspector must scan ECR and Lambda."
  }
}

run "account_services_off" {
  command = plan

  variables {
    create_guardduty   = false
    create_inspector   = false
    create_securityhub = false
    create_config      = false
    create_cloudtrail  = false
  }

  assert {
    condition = (
      length(aws_guardduty_detector.this) == 0 && length(aws_inspector2_enabler.this) == 0 &&
      length(aws_securityhub_account.this) == 0 && length(aws_config_configuration_recorder.this) == 0 &&
      length(aws_cloudtrail.this) == 0 && length(aws_s3_bucket.audit) == 0
    )
    error_message = "Switched-off account services must create nothing."
  }

  assert {
    condition     = length(aws_kms_key.this) == 3
    error_message = "The CMKs are not account singletons and are always created."
  }
}
