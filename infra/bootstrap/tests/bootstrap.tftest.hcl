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

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    }
  }
}

variables {
  region            = "xx-test-1"
  github_repository = "example-org/taskapp"
  environments = {
    dev  = { region = "xx-test-1" }
    prod = { region = "xx-test-1" }
  }
}

run "state_bucket_and_roles" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "taskapp-tfstate-111122223333-xx-test-1"
    error_message = "Unexpected state bucket name."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.state.versioning_configuration).status == "Enabled"
    error_message = "The state bucket must be versioned."
  }

  assert {
    condition     = aws_kms_key.state.enable_key_rotation
    error_message = "The state key rotates."
  }

  assert {
    condition     = toset(keys(aws_iam_role.deploy)) == toset(["dev", "prod"]) && aws_iam_role.deploy["prod"].name == "taskapp-prod-deploy"
    error_message = "One deploy role per environment."
  }
}
