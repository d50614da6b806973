mock_provider "aws" {
  # Mocked values apply at apply only (the default): the instance's and the proxy's resource IDs
  # are unknown at plan with the real provider too, so the runs that read them apply.

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

  mock_resource "aws_db_proxy" {
    defaults = {
      arn = "arn:aws:rds:xx-test-1:111122223333:db-proxy:prx-0123456789abcdef0"
    }
  }

  mock_resource "aws_db_instance" {
    defaults = {
      resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXY"
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

  # ADR 0102: the local servers run the same major (ops/tests/test_parity.py).
  assert {
    condition     = aws_db_instance.this.engine_version == "18" && aws_db_parameter_group.this.family == "postgres18"
    error_message = "PostgreSQL 18 by default, with the parameter group family of that major."
  }
}

run "family_follows_a_pinned_minor" {
  command = plan

  variables {
    engine_version = "18.1"
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres18"
    error_message = "The parameter group family follows the major of engine_version."
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

# ADR 0056: end-to-end IAM through the proxy; no secret, so no HTTPS egress anywhere.
run "iam_end_to_end" {
  # Applied with the mocked provider: the resource IDs and security group IDs exist after apply.
  command = apply

  assert {
    condition     = aws_db_proxy.this.default_auth_scheme == "IAM_AUTH"
    error_message = "RDS Proxy must use end-to-end IAM authentication and no secret."
  }

  assert {
    condition     = aws_db_instance.this.iam_database_authentication_enabled
    error_message = "The proxy logs in to the instance with IAM."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.proxy.statement).resources == toset(["arn:aws:rds-db:xx-test-1:111122223333:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY/taskapp_app"])
    error_message = "The proxy's role may connect to this instance as the app role only (no secret access)."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.proxy.statement).actions == toset(["rds-db:connect"])
    error_message = "The proxy's role grants rds-db:connect only."
  }

  assert {
    condition     = output.proxy_resource_id == "prx-0123456789abcdef0" && output.app_db_user_arn == "arn:aws:rds-db:xx-test-1:111122223333:dbuser:prx-0123456789abcdef0/taskapp_app"
    error_message = "The app's rds-db:connect resource is the app role behind the proxy's resource ID."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.proxy_to_db.from_port == 5432 && aws_vpc_security_group_egress_rule.proxy_to_db.referenced_security_group_id == aws_security_group.db.id
    error_message = "The proxy's only egress is PostgreSQL to the database."
  }
}

run "migration_reaches_the_instance_directly" {
  command = plan

  variables {
    direct_client_security_group_ids = {
      migration = "sg-0000000000000000e"
    }
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.db_from_clients["migration"].referenced_security_group_id == "sg-0000000000000000e"
    error_message = "The migration security group reaches the DB instance directly."
  }
}
