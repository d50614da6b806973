mock_provider "aws" {
  # Computed values are mocked at plan time too (Terraform >= 1.11), so for_each over the
  # certificate's validation options has known keys, as with the real provider.
  override_during = plan

  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000"
      domain_validation_options = [{
        domain_name           = "origin.dev.example.com"
        resource_record_name  = "_0123456789abcdef.origin.dev.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_fedcba9876543210.acm-validations.aws."
      }]
    }
  }

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

  mock_resource "aws_ecr_repository" {
    defaults = {
      repository_url = "111122223333.dkr.ecr.xx-test-1.amazonaws.com/taskapp-test"
      arn            = "arn:aws:ecr:xx-test-1:111122223333:repository/taskapp-test"
    }
  }
}

variables {
  name               = "taskapp-test"
  environment        = "dev"
  vpc_id             = "vpc-0123456789abcdef0"
  vpc_cidr_block     = "10.20.0.0/16"
  public_subnet_ids  = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  private_subnet_ids = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
  origin_domain_name = "origin.dev.example.com"
  route53_zone_id    = "Z0000000000000000000"
  log_bucket_name    = "taskapp-test-logs"
  kms_key_arn        = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  logs_kms_key_arn   = "arn:aws:kms:xx-test-1:111122223333:key/11111111-1111-1111-1111-111111111111"
  cors_origins       = ["https://app.example.com"]

  database = {
    host       = "taskapp-test-postgres-proxy.proxy-abc.xx-test-1.rds.amazonaws.com"
    port       = 5432
    name       = "taskapp"
    secret_arn = "arn:aws:secretsmanager:xx-test-1:111122223333:secret:rds!db-0000-AbCdEf"
  }

  redis = {
    host       = "master.taskapp-test-cache.abc.use1.cache.amazonaws.com"
    port       = 6379
    secret_arn = "arn:aws:secretsmanager:xx-test-1:111122223333:secret:taskapp-test-cache-auth-AbCdEf"
  }

  bucket = {
    name        = "taskapp-test-uploads"
    arn         = "arn:aws:s3:::taskapp-test-uploads"
    kms_key_arn = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  }

  queue = {
    url         = "https://sqs.xx-test-1.amazonaws.com/111122223333/taskapp-test-exports"
    arn         = "arn:aws:sqs:xx-test-1:111122223333:taskapp-test-exports"
    name        = "taskapp-test-exports"
    kms_key_arn = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  }
}

run "blue_green_public_alb" {
  command = plan

  assert {
    condition     = aws_lb.this.internal == false && aws_lb.this.drop_invalid_header_fields
    error_message = "The default ALB is public and drops invalid header fields."
  }

  assert {
    condition     = one(aws_lb_listener.https.default_action).type == "fixed-response"
    error_message = "Without the origin header the HTTPS listener must answer 403."
  }

  assert {
    condition     = one(aws_ecs_service.api.deployment_configuration).strategy == "BLUE_GREEN" && length(aws_lb_target_group.api) == 2
    error_message = "Blue/green needs two target groups."
  }

  assert {
    condition     = one(aws_ecs_service.api.network_configuration).assign_public_ip == false
    error_message = "Tasks never get a public IP."
  }

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Image tags are immutable."
  }
}

run "rolling_internal_alb" {
  command = plan

  variables {
    alb_mode            = "internal"
    deployment_strategy = "ROLLING"
  }

  assert {
    condition     = aws_lb.this.internal && length(aws_lb_target_group.api) == 1 && length(aws_lb_listener_rule.test) == 0
    error_message = "Internal ALB with a rolling deployment has one target group and no test rule."
  }
}
