# First plan of the stage environment with a mocked AWS account (DESIGN.md section 7): every
# computed value is unknown, as in an empty account, so every count and for_each must be known
# from the configuration. terraform.tfvars of this root is loaded by `terraform test`; the
# variables below are what a user supplies outside git. The data sources the configuration
# computes with get realistic values.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
      zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
      name   = "eu-west-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:root"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json          = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
      minified_json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_ec2_managed_prefix_list" {
    defaults = {
      id   = "pl-4fa04526"
      name = "com.amazonaws.global.cloudfront.origin-facing"
    }
  }

  mock_data "aws_route53_zone" {
    defaults = {
      zone_id = "Z0123456789ABCDEFGHIJ"
      name    = "example.com"
    }
  }

  mock_data "aws_elb_service_account" {
    defaults = {
      id  = "156460612806"
      arn = "arn:aws:iam::156460612806:root"
    }
  }

  mock_data "aws_cloudfront_cache_policy" {
    defaults = {
      id = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    }
  }

  mock_data "aws_cloudfront_origin_request_policy" {
    defaults = {
      id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    }
  }
}

# No mock_provider "random": Terraform 1.11 cannot mock ephemeral resources (the JWT key is an
# ephemeral random_password), and the real random provider needs no account or network.

variables {
  # Required outside dev and kept out of git (terraform.tfvars says so).
  alarm_email_addresses = ["ops@example.com"]
}

run "first_plan" {
  command = plan

  assert {
    condition     = length(module.network.azs) == 2 && length(module.network.public_subnet_ids) == 2 && length(module.network.private_subnet_ids) == 2 && length(module.network.isolated_subnet_ids) == 2
    error_message = "stage spans 2 AZs with a public, a private and an isolated subnet in each."
  }

  assert {
    condition     = length(module.network.nat_public_ips) == 2
    error_message = "stage has 2 NAT gateways (one per AZ)."
  }

  assert {
    condition     = sort(keys(module.network.interface_endpoint_ids)) == sort(["ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager", "sqs", "ssm"])
    error_message = "stage's interface endpoints: ecr.api, ecr.dkr, kms, logs, secretsmanager, sqs, ssm."
  }

  assert {
    condition     = module.data.multi_az == true && module.data.deletion_protection == false
    error_message = "stage's database: Multi-AZ true, deletion protection false."
  }

  assert {
    condition     = module.cache.multi_az_enabled == true && module.cache.automatic_failover_enabled == true
    error_message = "stage's cache: Multi-AZ true, automatic failover true."
  }

  assert {
    condition     = module.compute.services.api.desired_count == 2 && module.compute.services.api.capacity_provider == "FARGATE" && module.compute.services.worker.desired_count == 1 && module.compute.services.worker.capacity_provider == "FARGATE_SPOT"
    error_message = "stage runs the API 2 x FARGATE and the worker 1 x FARGATE_SPOT."
  }

  assert {
    condition     = module.compute.deployment_strategy == "BLUE_GREEN"
    error_message = "stage deploys BLUE_GREEN."
  }

  assert {
    condition     = module.edge.web_acl_name == "taskapp-stage-edge"
    error_message = "stage has its CloudFront web ACL."
  }

  assert {
    condition     = sort(module.backup.rule_names) == sort(["daily", "weekly"]) && sort(module.backup.copy_rule_names) == sort([])
    error_message = "stage's backup rules: daily, weekly; copied to the second region: none."
  }

  assert {
    condition     = alltrue([for days in values(module.compute.log_retention_days) : days == 30])
    error_message = "stage keeps the ECS logs 30 days."
  }
}

run "with_invitation_email" {
  command = plan

  variables {
    email_domain = "mail.example.com"
  }

  assert {
    condition     = length(module.email) == 1 && module.email[0].from_address == "no-reply@mail.example.com"
    error_message = "With email_domain the email module sends as no-reply at that domain."
  }
}
