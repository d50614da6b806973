mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "xx-test-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::999988887777:root"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name                 = "taskapp-test"
  kms_key_arn          = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  cors_allowed_origins = ["https://app.example.com"]
}

run "private_encrypted_bucket" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.bucket == "taskapp-test-uploads-111122223333-xx-test-1"
    error_message = "Unexpected bucket name."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four Block Public Access settings must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == true
    error_message = "SSE-KMS with a bucket key is expected."
  }

  assert {
    condition     = length(aws_s3_bucket_replication_configuration.this) == 0
    error_message = "Replication is off unless asked for."
  }

  # A filter, not `&&`: Terraform 1.11 evaluates both sides, and other rules have no expiration.
  assert {
    condition = [
      for rule in aws_s3_bucket_lifecycle_configuration.this.rule :
      [one(rule.filter).prefix, one(rule.expiration).days] if rule.id == "expire-pending-uploads"
    ] == [["pending-uploads/", 1]]
    error_message = "Unconfirmed uploads (pending-uploads/) must expire after a day."
  }
}

run "cross_region_replication" {
  command = plan

  variables {
    replication = {
      region = "xx-test-2"
    }
  }

  assert {
    condition     = aws_s3_bucket.replica[0].region == "xx-test-2"
    error_message = "The replica bucket must live in the destination Region."
  }
}
