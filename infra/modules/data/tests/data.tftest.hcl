mock_provider "aws" {
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

  mock_resource "aws_db_instance" {
    defaults = {
      master_user_secret = [{
        secret_arn    = "arn:aws:secretsmanager:xx-test-1:111122223333:secret:rds!db-0000-AbCdEf"
        secret_status = "active"
        kms_key_id    = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
      }]
    }
  }
}

variables {
  name                = "taskapp-test"
  vpc_id              = "vpc-0123456789abcdef0"
  vpc_cidr_block      = "10.20.0.0/16"
  isolated_subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  proxy_subnet_ids    = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
  kms_key_arn         = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  client_security_group_ids = {
    api = "sg-0000000000000000a"
  }
}

run "prod_like_defaults" {
  command = plan

  assert {
    condition     = aws_db_instance.this.multi_az && aws_db_instance.this.storage_encrypted && aws_db_instance.this.kms_key_id == var.kms_key_arn
    error_message = "The database must be Multi-AZ and encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.publicly_accessible == false
    error_message = "RDS must manage the master password and the instance must stay private."
  }

  assert {
    condition     = aws_db_proxy.this.require_tls
    error_message = "RDS Proxy must require TLS."
  }

  assert {
    condition     = contains([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"], "1")
    error_message = "The parameter group must force TLS."
  }
}

run "dev_like" {
  command = plan

  variables {
    multi_az            = false
    deletion_protection = false
    final_snapshot      = false
  }

  assert {
    condition     = aws_db_instance.this.multi_az == false && aws_db_instance.this.skip_final_snapshot
    error_message = "Dev runs single-AZ without a final snapshot."
  }
}
