mock_provider "aws" {
  # Mocked values apply at apply only (the default): in the plan runs every computed value is
  # unknown, as on a first plan in an empty account. The certificate's domain_validation_options
  # are unknown there too, so the validation records must be keyed by the known domain name
  # (for_each over the options fails the plan runs). The apply runs use these values.
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
    host                    = "taskapp-test-postgres-proxy.proxy-abc.xx-test-1.rds.amazonaws.com"
    port                    = 5432
    name                    = "taskapp"
    app_username            = "taskapp_app"
    app_user_arn            = "arn:aws:rds-db:xx-test-1:111122223333:dbuser:prx-0123456789abcdef0/taskapp_app"
    instance_address        = "taskapp-test-postgres.abc.xx-test-1.rds.amazonaws.com"
    security_group_id       = "sg-0000000000000000d"
    master_user_secret_arn  = "arn:aws:secretsmanager:xx-test-1:111122223333:secret:rds!db-0000-AbCdEf"
    master_user_kms_key_arn = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
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
    condition     = keys(aws_route53_record.origin_validation) == ["origin.dev.example.com"]
    error_message = "The origin certificate is validated by one record, keyed by its domain name (known at plan)."
  }

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

  assert {
    condition     = !contains(keys(aws_ssm_parameter.config), "APP_PUBLIC_APP_URL")
    error_message = "Without public_app_url the API gets no APP_PUBLIC_APP_URL (invitation links stay paths)."
  }

  assert {
    condition     = tonumber(aws_ssm_parameter.config["APP_HTTP_KEEP_ALIVE_SECONDS"].value) > aws_lb.this.idle_timeout
    error_message = "The API keeps idle connections open longer than the ALB does (else the ALB can reuse one the server is closing: 502)."
  }

  assert {
    condition     = tonumber(aws_ssm_parameter.config["APP_EVENTS_HEARTBEAT_SECONDS"].value) < aws_lb.this.idle_timeout
    error_message = "A quiet live-update stream sends its heartbeat before the ALB's idle timeout closes it."
  }
}

run "heartbeat_at_or_past_the_idle_timeout_is_rejected" {
  command = plan

  variables {
    alb_idle_timeout         = 20
    events_heartbeat_seconds = 20
  }

  expect_failures = [var.events_heartbeat_seconds]
}

run "rolling_internal_alb" {
  command = plan

  variables {
    alb_mode            = "internal"
    deployment_strategy = "ROLLING"
    public_app_url      = "https://tasks.example.com"
  }

  assert {
    condition     = aws_lb.this.internal && length(aws_lb_target_group.api) == 1 && length(aws_lb_listener_rule.test) == 0
    error_message = "Internal ALB with a rolling deployment has one target group and no test rule."
  }

  assert {
    condition     = aws_ssm_parameter.config["APP_PUBLIC_APP_URL"].value == "https://tasks.example.com"
    error_message = "public_app_url reaches the API as APP_PUBLIC_APP_URL."
  }

  assert {
    condition     = length(aws_iam_role_policy.email) == 0 && !contains(keys(aws_ssm_parameter.config), "APP_EMAIL_FROM_ADDRESS")
    error_message = "Without email the API gets no SES permission and no sender address."
  }
}

run "invitation_email_through_ses" {
  command = plan

  variables {
    public_app_url = "https://tasks.example.com"
    email = {
      from_address           = "no-reply@mail.example.com"
      configuration_set_name = "taskapp-test"
      send_policy_json       = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ses:SendEmail\",\"Resource\":\"*\"}]}"
    }
  }

  assert {
    condition     = aws_ssm_parameter.config["APP_EMAIL_FROM_ADDRESS"].value == "no-reply@mail.example.com" && aws_ssm_parameter.config["APP_EMAIL_CONFIGURATION_SET"].value == "taskapp-test"
    error_message = "The sender address and configuration set reach the API."
  }

  assert {
    condition     = length(aws_iam_role_policy.email) == 1 && aws_iam_role_policy.email[0].policy == var.email.send_policy_json
    error_message = "The API's task role gets exactly the email module's send policy."
  }
}

run "email_without_an_absolute_app_url_is_rejected" {
  command = plan

  variables {
    email = {
      from_address           = "no-reply@mail.example.com"
      configuration_set_name = "taskapp-test"
      send_policy_json       = "{}"
    }
  }

  expect_failures = [var.email]
}

# ADR 0056: the app logs in with IAM tokens as the least-privilege role; only the migration
# family holds the master credentials. Applied with the mocked provider: the policies, secrets
# and container definitions name ARNs of resources created here, unknown until apply.
run "database_credentials" {
  command = apply

  assert {
    # ADR 0087: the app trusts X-Forwarded-For only with CloudFront's origin header, whose
    # value reaches it as a Secrets Manager secret, never as a plain environment value.
    condition = alltrue([
      for family in [aws_ecs_task_definition.api, aws_ecs_task_definition.worker] :
      [for s in jsondecode(family.container_definitions)[0].secrets : s.valueFrom if s.name == "APP_ORIGIN_VERIFY_SECRET"] == [aws_secretsmanager_secret.origin_verify.arn] &&
      length([for e in try(jsondecode(family.container_definitions)[0].environment, []) : e if e.name == "APP_ORIGIN_VERIFY_SECRET"]) == 0
    ]) && aws_ssm_parameter.config["APP_ORIGIN_VERIFY_HEADER"].value == var.origin_verify_header_name && contains(one([for st in data.aws_iam_policy_document.task_exec.statement : st.resources if st.sid == "Secrets"]), aws_secretsmanager_secret.origin_verify.arn)
    error_message = "The origin header's secret must reach the app from Secrets Manager (and the execution role may read it)."
  }

  assert {
    condition     = aws_ssm_parameter.config["APP_DATABASE_IAM_AUTH"].value == "true" && aws_ssm_parameter.config["APP_DATABASE_USER"].value == "taskapp_app" && aws_ssm_parameter.config["APP_DATABASE_SSL"].value == "verify-full"
    error_message = "The app must log in as the app role with IAM tokens over verified TLS."
  }

  assert {
    condition = alltrue([
      for family in [aws_ecs_task_definition.api, aws_ecs_task_definition.worker] :
      length([for s in jsondecode(family.container_definitions)[0].secrets : s if startswith(s.valueFrom, var.database.master_user_secret_arn)]) == 0
    ])
    error_message = "The API and worker task definitions must not inject the master secret."
  }

  assert {
    condition     = !contains(flatten([for st in data.aws_iam_policy_document.task_exec.statement : st.resources]), var.database.master_user_secret_arn)
    error_message = "The API/worker execution role must not be able to read the master secret."
  }

  assert {
    condition     = one([for st in data.aws_iam_policy_document.task_common.statement : st.resources if st.sid == "DatabaseConnect"]) == toset([var.database.app_user_arn])
    error_message = "The task roles may rds-db:connect as the app role behind the proxy, and nothing else."
  }

  assert {
    condition     = one([for st in data.aws_iam_policy_document.task_common.statement : st.actions if st.sid == "DatabaseConnect"]) == toset(["rds-db:connect"])
    error_message = "DatabaseConnect grants rds-db:connect only."
  }

  assert {
    condition     = one([for st in data.aws_iam_policy_document.migrate_exec.statement : st.resources if st.sid == "MasterSecret"]) == toset([var.database.master_user_secret_arn])
    error_message = "Only the migration execution role reads the master secret."
  }

  assert {
    # task_role_arn is Optional+Computed for the stand-in, so the mock fills an unset one with a
    # random string: it must not be any role this module creates.
    condition = aws_ecs_task_definition.migrate.family == "taskapp-test-migrate" && !contains(
      concat([for r in aws_iam_role.task : r.arn], [aws_iam_role.task_exec.arn, aws_iam_role.migrate_exec.arn], aws_iam_role.blue_green[*].arn),
      coalesce(aws_ecs_task_definition.migrate.task_role_arn, "none")
    )
    error_message = "Migrations have their own family and no task role (no AWS permissions)."
  }

  assert {
    condition     = sort([for s in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].secrets : s.name]) == tolist(["APP_DATABASE_PASSWORD", "APP_DATABASE_USER"])
    error_message = "The migration container gets the master credentials and no other secret."
  }

  assert {
    condition = (
      [for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.value if e.name == "APP_DATABASE_HOST"] == [var.database.instance_address] &&
      [for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.value if e.name == "APP_DATABASE_APP_ROLE"] == ["taskapp_app"]
    )
    error_message = "Migrations connect to the instance directly and create the app role."
  }

  assert {
    condition     = output.migration.task_definition_family == aws_ecs_task_definition.migrate.family && one(output.migration.security_group_ids) == aws_security_group.migration.id
    error_message = "The deploy manifest must run the migration family from the migration security group."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.migration_to_database.referenced_security_group_id == var.database.security_group_id && aws_vpc_security_group_egress_rule.migration_to_database.from_port == 5432
    error_message = "Migration tasks reach the DB instance's security group on PostgreSQL."
  }
}
