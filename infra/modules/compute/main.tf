data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# CloudFront's origin-facing addresses: the only sources the ALB accepts.
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # Names the bootstrap's deploy role policy relies on (see infra/bootstrap/README.md).
  cluster_name        = var.name
  repository_name     = var.name
  api_service_name    = "${var.name}-api"
  worker_service_name = "${var.name}-worker"
  api_family          = "${var.name}-api"
  worker_family       = "${var.name}-worker"
  migrate_family      = "${var.name}-migrate"
  app_container       = "app"
  adot_container      = "adot-collector"

  internal_alb = var.alb_mode == "internal"
  blue_green   = var.deployment_strategy != "ROLLING"

  ssm_prefix = "/${var.name}/app"

  # The migration task's settings (non-secret; the master credentials come as secrets).
  migration_environment = {
    APP_ENVIRONMENT                      = var.environment
    APP_DATABASE_HOST                    = var.database.instance_address
    APP_DATABASE_PORT                    = tostring(var.database.port)
    APP_DATABASE_NAME                    = var.database.name
    APP_DATABASE_SSL                     = "verify-full"
    APP_DATABASE_SSL_ROOT_CERT           = var.migration.ssl_root_cert
    APP_DATABASE_APP_ROLE                = var.database.app_username
    APP_DATABASE_IAM_AUTH                = "false"
    APP_DATABASE_COMMAND_TIMEOUT_SECONDS = "120" # long DDL
    APP_AWS_REGION                       = local.region
  }

  # Non-secret configuration: SSM Parameter Store, injected through the task definition's
  # `secrets`, so a change needs no new task definition revision, only a redeploy.
  app_config = merge(local.base_app_config, var.public_app_url == null ? {} : {
    APP_PUBLIC_APP_URL = var.public_app_url
    }, var.email == null ? {} : {
    APP_EMAIL_FROM_ADDRESS      = var.email.from_address
    APP_EMAIL_CONFIGURATION_SET = var.email.configuration_set_name
  })
  base_app_config = {
    APP_ENVIRONMENT   = var.environment
    APP_DATABASE_HOST = var.database.host
    APP_DATABASE_PORT = tostring(var.database.port)
    APP_DATABASE_NAME = var.database.name
    # IAM tokens per new connection, signed with the task role (ADR 0056): no password, so
    # nothing for a rotation to break. TLS checked against the system trust store (RDS
    # Proxy's certificates come from ACM and chain to Amazon Trust Services roots).
    APP_DATABASE_USER        = var.database.app_username
    APP_DATABASE_IAM_AUTH    = "true"
    APP_DATABASE_SSL         = "verify-full"
    APP_REDIS_HOST           = var.redis.host
    APP_REDIS_PORT           = tostring(var.redis.port)
    APP_REDIS_TLS            = "true"
    APP_S3_BUCKET            = var.bucket.name
    APP_SQS_EXPORT_QUEUE_URL = var.queue.url
    APP_CORS_ORIGINS         = join(",", var.cors_origins)
    APP_AWS_REGION           = local.region
    APP_FORWARDED_HOPS       = "2" # CloudFront, then the ALB, append to X-Forwarded-For
    # Trusted only with CloudFront's secret origin header (APP_ORIGIN_VERIFY_SECRET, ADR 0087).
    APP_ORIGIN_VERIFY_HEADER = var.origin_verify_header_name
    # The ADOT collector sidecar; the app exports OTLP over HTTP (`/v1/traces` on 4318).
    APP_OTLP_ENDPOINT = "http://localhost:4318"
    # Idle connections outlive the ALB's, so the ALB never reuses one the server is closing
    # (a 502 otherwise); ADR 0099.
    APP_HTTP_KEEP_ALIVE_SECONDS = tostring(var.alb_idle_timeout + 15)
    # Quiet live-update streams send a heartbeat inside the ALB's and CloudFront's idle
    # timeouts (ADR 0104).
    APP_EVENTS_HEARTBEAT_SECONDS = tostring(var.events_heartbeat_seconds)
  }

  # Secrets: Secrets Manager ARNs, with a JSON key where the secret is a JSON document. No
  # database password: the master secret goes to the migration task only (ADR 0056).
  app_secrets = {
    APP_REDIS_PASSWORD       = "${var.redis.secret_arn}:password::"
    APP_JWT_SIGNING_KEY      = aws_secretsmanager_secret.jwt.arn
    APP_ORIGIN_VERIFY_SECRET = aws_secretsmanager_secret.origin_verify.arn
  }

  container_secrets = concat(
    [for k in sort(keys(local.app_config)) : { name = k, valueFrom = aws_ssm_parameter.config[k].arn }],
    [for k in sort(keys(local.app_secrets)) : { name = k, valueFrom = local.app_secrets[k] }],
  )

  secrets_kms_key_arns = distinct(compact(concat([var.kms_key_arn], var.secrets_kms_key_arns)))

  initial_image = "${aws_ecr_repository.this.repository_url}:${var.initial_image_tag}"

  # What the API's and the worker's app containers share; each task definition adds its own
  # command, ports, health check, stop timeout and log stream.
  app_container_base = {
    name                   = local.app_container
    image                  = local.initial_image
    essential              = true
    readonlyRootFilesystem = true
    user                   = var.container_user
    secrets                = local.container_secrets
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    linuxParameters        = { initProcessEnabled = true }
    dependsOn              = [{ containerName = local.adot_container, condition = "START" }]
  }

  adot_container_definition = {
    name                   = local.adot_container
    image                  = var.adot_image
    essential              = false
    command                = ["--config=/etc/ecs/ecs-default-config.yaml"]
    readonlyRootFilesystem = true
    cpu                    = 64
    memoryReservation      = 128
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this["adot"].name
        awslogs-region        = local.region
        awslogs-stream-prefix = "adot"
      }
    }
  }
}

################################################################################
# ECR
################################################################################

resource "aws_ecr_repository" "this" {
  name                 = local.repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = {
    Name = local.repository_name
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.ecr_untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.ecr_untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last ${var.ecr_keep_images} tagged images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_keep_images
        }
        action = { type = "expire" }
      },
    ]
  })
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(["api", "worker", "adot", "exec"])

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = {
    Name = "${var.name}-${each.key}"
  }
}

################################################################################
# ECS cluster
################################################################################

resource "aws_ecs_cluster" "this" {
  name = local.cluster_name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  configuration {
    execute_command_configuration {
      kms_key_id = var.kms_key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.this["exec"].name
      }
    }
  }

  tags = {
    Name = local.cluster_name
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
    base              = 1
  }
}

################################################################################
# Configuration (SSM Parameter Store) and the JWT signing key (Secrets Manager)
################################################################################

resource "aws_ssm_parameter" "config" {
  #checkov:skip=CKV2_AWS_34:Non-secret configuration; secrets live in Secrets Manager.
  for_each = local.app_config

  name        = "${local.ssm_prefix}/${each.key}"
  description = "${var.name} app setting ${each.key}"
  type        = "String"
  tier        = "Standard"
  value       = each.value

  tags = {
    Name = "${var.name}-${each.key}"
  }
}

# The signing key is generated by an ephemeral random_password and written through the
# write-only `secret_string_wo`: it never appears in the plan or the state. Bump
# `jwt_signing_key_version` to rotate it (then redeploy; old tokens stop validating).
ephemeral "random_password" "jwt" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "jwt" {
  #checkov:skip=CKV2_AWS_57:Rotated on demand through jwt_signing_key_version (see README).
  name_prefix             = "${var.name}-jwt-signing-key-"
  description             = "${var.name} JWT signing key (APP_JWT_SIGNING_KEY)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = {
    Name = "${var.name}-jwt-signing-key"
  }
}

resource "aws_secretsmanager_secret_version" "jwt" {
  secret_id                = aws_secretsmanager_secret.jwt.id
  secret_string_wo         = ephemeral.random_password.jwt.result
  secret_string_wo_version = var.jwt_signing_key_version
}

################################################################################
# Security groups
################################################################################

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "ALB: HTTPS from CloudFront only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-alb"
  }
}

# HTTPS only: the CloudFront prefix list weighs about 55 rules against the security group
# quota, so it is referenced once. CloudFront talks to the origin over HTTPS only; the HTTP
# listener (redirect) exists for completeness and is unreachable from outside the VPC.
resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront origin-facing addresses"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id

  tags = {
    Name = "from-cloudfront-https"
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_extra" {
  for_each = var.alb_extra_ingress_security_group_ids

  security_group_id            = aws_security_group.alb.id
  description                  = "HTTPS from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value

  tags = {
    Name = "from-${each.key}"
  }
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the API tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.api.container_port
  to_port                      = var.api.container_port
  referenced_security_group_id = aws_security_group.api.id

  tags = {
    Name = "to-api-tasks"
  }
}

resource "aws_security_group" "api" {
  name        = "${var.name}-api"
  description = "API tasks: traffic from the ALB only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "api_from_alb" {
  security_group_id            = aws_security_group.api.id
  description                  = "From the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.api.container_port
  to_port                      = var.api.container_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = {
    Name = "from-alb"
  }
}

resource "aws_security_group" "worker" {
  name        = "${var.name}-worker"
  description = "Export worker tasks: no inbound traffic"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-worker"
  }
}

# Both services: HTTPS out (AWS APIs through endpoints or NAT, X-Ray), PostgreSQL and
# the cache only inside the VPC.
resource "aws_vpc_security_group_egress_rule" "tasks" {
  for_each = {
    for pair in setproduct(["api", "worker"], [
      { key = "https", port = 443, cidr = "0.0.0.0/0" },
      { key = "postgres", port = 5432, cidr = var.vpc_cidr_block },
      { key = "cache", port = 6379, cidr = var.vpc_cidr_block },
    ]) : "${pair[0]}-${pair[1].key}" => { sg = pair[0], port = pair[1].port, cidr = pair[1].cidr, key = pair[1].key }
  }

  security_group_id = each.value.sg == "api" ? aws_security_group.api.id : aws_security_group.worker.id
  description       = "${each.value.key} out"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = {
    Name = "to-${each.value.key}"
  }
}

################################################################################
# ALB
################################################################################

resource "aws_acm_certificate" "origin" {
  domain_name       = var.origin_domain_name
  validation_method = "DNS"

  tags = {
    Name = var.origin_domain_name
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by the certificate's domain name, known at plan (as in modules/edge). Keys taken from
# domain_validation_options would be known at plan only because the real provider pre-fills
# them; with any other planner (a mocked first plan) they are unknown and for_each fails.
resource "aws_route53_record" "origin_validation" {
  for_each = toset([var.origin_domain_name])

  zone_id         = var.route53_zone_id
  name            = one([for dvo in aws_acm_certificate.origin.domain_validation_options : dvo.resource_record_name if dvo.domain_name == each.key])
  type            = one([for dvo in aws_acm_certificate.origin.domain_validation_options : dvo.resource_record_type if dvo.domain_name == each.key])
  records         = [one([for dvo in aws_acm_certificate.origin.domain_validation_options : dvo.resource_record_value if dvo.domain_name == each.key])]
  ttl             = 60
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "origin" {
  certificate_arn         = aws_acm_certificate.origin.arn
  validation_record_fqdns = [for r in aws_route53_record.origin_validation : r.fqdn]
}

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:The WAF is on CloudFront (CLOUDFRONT scope); the ALB only answers CloudFront.
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = local.internal_alb
  subnets                    = local.internal_alb ? var.private_subnet_ids : var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = var.alb_idle_timeout
  desync_mitigation_mode     = "strictest"

  access_logs {
    bucket  = var.log_bucket_name
    prefix  = "alb"
    enabled = true
  }

  tags = {
    Name = var.name
  }
}

resource "aws_route53_record" "origin" {
  zone_id = var.route53_zone_id
  name    = var.origin_domain_name
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}

resource "aws_lb_target_group" "api" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB (ACM certificate, HTTPS listener); ALB-to-task traffic stays in the private subnets and the tasks admit only the ALB's security group (architecture.md).
  for_each = toset(local.blue_green ? ["blue", "green"] : ["blue"])

  name                 = "${var.name}-api-${each.key}"
  port                 = var.api.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    enabled             = true
    path                = var.api.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = {
    Name = "${var.name}-api-${each.key}"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = {
    Name = "${var.name}-http"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy
  certificate_arn   = aws_acm_certificate_validation.origin.certificate_arn

  # Anything that does not carry CloudFront's secret origin header is refused.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }

  tags = {
    Name = "${var.name}-https"
  }
}

# Secret header value CloudFront adds to every origin request (see the edge module).
resource "random_password" "origin_verify" {
  length  = 48
  special = false
}

# The same value for the app: it trusts X-Forwarded-For only on requests that carry it
# (APP_ORIGIN_VERIFY_SECRET, ADR 0087), injected by ECS from Secrets Manager like the JWT key.
# A regular (not write-only) secret string: the value is in the state anyway (the listener
# rules and CloudFront need it), and a `-replace` of the password then updates the secret in
# the same apply (redeploy afterwards, see ADR 0087).
resource "aws_secretsmanager_secret" "origin_verify" {
  #checkov:skip=CKV2_AWS_57:Rotated with the CloudFront header: -replace random_password.origin_verify (ADR 0030).
  name_prefix             = "${var.name}-origin-verify-"
  description             = "${var.name} CloudFront origin header value (APP_ORIGIN_VERIFY_SECRET)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = {
    Name = "${var.name}-origin-verify"
  }
}

resource "aws_secretsmanager_secret_version" "origin_verify" {
  secret_id     = aws_secretsmanager_secret.origin_verify.id
  secret_string = random_password.origin_verify.result
}

# Header value that routes a request to the new (green) tasks during a blue/green bake.
resource "random_password" "test_traffic" {
  length  = 32
  special = false
}

resource "aws_lb_listener_rule" "production" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 100

  condition {
    http_header {
      http_header_name = var.origin_verify_header_name
      values           = [random_password.origin_verify.result]
    }
  }

  action {
    type = "forward"

    forward {
      dynamic "target_group" {
        for_each = aws_lb_target_group.api

        content {
          arn    = target_group.value.arn
          weight = target_group.key == "blue" ? 100 : 0
        }
      }
    }
  }

  tags = {
    Name = "${var.name}-production"
  }

  # ECS shifts the weights between blue and green during a blue/green deployment.
  lifecycle {
    ignore_changes = [action]
  }
}

resource "aws_lb_listener_rule" "test" {
  count = local.blue_green ? 1 : 0

  listener_arn = aws_lb_listener.https.arn
  priority     = 90

  condition {
    http_header {
      http_header_name = var.origin_verify_header_name
      values           = [random_password.origin_verify.result]
    }
  }

  condition {
    http_header {
      http_header_name = var.test_traffic_header_name
      values           = [random_password.test_traffic.result]
    }
  }

  action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.api["blue"].arn
        weight = 0
      }

      target_group {
        arn    = aws_lb_target_group.api["green"].arn
        weight = 100
      }
    }
  }

  tags = {
    Name = "${var.name}-test"
  }

  lifecycle {
    ignore_changes = [action]
  }
}

################################################################################
# IAM: execution role (shared), task roles (one per service), blue/green role
################################################################################

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "task_exec" {
  name               = "${var.name}-task-exec"
  description        = "ECS agent: pull the image, write logs, read this app's secrets and parameters"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = {
    Name = "${var.name}-task-exec"
  }
}

data "aws_iam_policy_document" "task_exec" {
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPull"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [
      aws_ecr_repository.this.arn,
      # GuardDuty Runtime Monitoring (security module, ECS_FARGATE_AGENT_MANAGEMENT) injects its
      # agent sidecar into every Fargate task and ECS pulls it with this role. The repository
      # lives in an AWS-owned account that differs per region (GuardDuty user guide, "ECR
      # repository for GuardDuty agent on AWS Fargate"), hence the account wildcard.
      "arn:${local.partition}:ecr:${local.region}:*:repository/aws-guardduty-agent-fargate",
    ]
  }

  statement {
    sid     = "Logs"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      for k in ["api", "worker", "adot"] : "${aws_cloudwatch_log_group.this[k].arn}:*"
    ]
  }

  statement {
    sid     = "Secrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      var.redis.secret_arn,
      aws_secretsmanager_secret.jwt.arn,
      aws_secretsmanager_secret.origin_verify.arn,
    ]
  }

  statement {
    sid       = "Parameters"
    actions   = ["ssm:GetParameters"]
    resources = [for p in aws_ssm_parameter.config : p.arn]
  }

  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = local.secrets_kms_key_arns

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = [
        "secretsmanager.${local.region}.amazonaws.com",
        "ssm.${local.region}.amazonaws.com",
        "ecr.${local.region}.amazonaws.com",
      ]
    }
  }
}

resource "aws_iam_role_policy" "task_exec" {
  name   = "pull-logs-secrets"
  role   = aws_iam_role.task_exec.id
  policy = data.aws_iam_policy_document.task_exec.json
}

resource "aws_iam_role" "task" {
  for_each = toset(["api", "worker"])

  name               = "${var.name}-${each.key}-task"
  description        = "${each.key} containers: this bucket, this queue, traces, ECS Exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = {
    Name = "${var.name}-${each.key}-task"
  }
}

# Shared by both services: traces to X-Ray through the ADOT collector, ECS Exec.
data "aws_iam_policy_document" "task_common" {
  statement {
    sid = "XRay"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:GetSamplingStatisticSummaries",
    ]
    resources = ["*"]
  }

  statement {
    sid = "AdotEmfMetrics"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = [
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/ecs/application/metrics",
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/ecs/application/metrics:*",
    ]
  }

  statement {
    sid = "EcsExecChannels"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "EcsExecLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }

  statement {
    sid       = "EcsExecLogs"
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this["exec"].arn}:*"]
  }

  statement {
    sid       = "EcsExecSessionKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  # Log in to RDS Proxy as the app's role with IAM tokens, and as nobody else (ADR 0056).
  statement {
    sid       = "DatabaseConnect"
    actions   = ["rds-db:connect"]
    resources = [var.database.app_user_arn]
  }
}

data "aws_iam_policy_document" "task_api" {
  source_policy_documents = [data.aws_iam_policy_document.task_common.json]

  # Presigned POST uploads and presigned GET downloads are signed with this role.
  statement {
    sid       = "BucketObjects"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
    resources = ["${var.bucket.arn}/*"]
  }

  statement {
    sid       = "BucketKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.bucket.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "QueueSend"
    actions   = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "QueueKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.queue.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "task_worker" {
  source_policy_documents = [data.aws_iam_policy_document.task_common.json]

  statement {
    sid       = "ExportObjects"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket.arn}/${var.bucket.exports_prefix}*"]
  }

  statement {
    sid       = "BucketKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.bucket.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid = "QueueConsume"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "QueueKey"
    actions   = ["kms:Decrypt"]
    resources = [var.queue.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }
}

# Sending invitation e-mail (ADR 0105): the API only, and only what the email module allows.
resource "aws_iam_role_policy" "email" {
  count = var.email == null ? 0 : 1

  name   = "email"
  role   = aws_iam_role.task["api"].id
  policy = var.email.send_policy_json
}

resource "aws_iam_role_policy" "task" {
  for_each = {
    api    = data.aws_iam_policy_document.task_api.json
    worker = data.aws_iam_policy_document.task_worker.json
  }

  name   = "app"
  role   = aws_iam_role.task[each.key].id
  policy = each.value
}

data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }
  }
}

# ECS native blue/green: ECS moves listener rule weights between the target groups.
resource "aws_iam_role" "blue_green" {
  count = local.blue_green ? 1 : 0

  name               = "${var.name}-ecs-blue-green"
  description        = "ECS infrastructure role: shift ALB traffic during blue/green deployments"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json

  tags = {
    Name = "${var.name}-ecs-blue-green"
  }
}

resource "aws_iam_role_policy_attachment" "blue_green" {
  count = local.blue_green ? 1 : 0

  role       = aws_iam_role.blue_green[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
}

################################################################################
# Task definitions. Terraform owns the template (roles, secrets, sidecar, sizes); the
# deploy tool owns the image: it copies the latest revision of the family, sets the
# `app` image to the new immutable tag and registers a new revision (ADR 0032).
################################################################################

resource "aws_ecs_task_definition" "api" {
  family                   = local.api_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.api.cpu
  memory                   = var.api.memory
  execution_role_arn       = aws_iam_role.task_exec.arn
  task_role_arn            = aws_iam_role.task["api"].arn
  skip_destroy             = true

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.app_container_base, {
      command      = var.api.command
      portMappings = [{ containerPort = var.api.container_port, protocol = "tcp", name = "http" }]
      stopTimeout  = 30
      healthCheck = {
        command     = ["CMD-SHELL", "python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.api.container_port}/healthz', timeout=3)\" || exit 1"]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this["api"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "api"
        }
      }
    }),
    local.adot_container_definition,
  ])

  tags = {
    Name = local.api_family
  }
}

resource "aws_ecs_task_definition" "worker" {
  family                   = local.worker_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.worker.cpu
  memory                   = var.worker.memory
  execution_role_arn       = aws_iam_role.task_exec.arn
  task_role_arn            = aws_iam_role.task["worker"].arn
  skip_destroy             = true

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    merge(local.app_container_base, {
      command     = var.worker.command
      stopTimeout = 120
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this["worker"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "worker"
        }
      }
    }),
    local.adot_container_definition,
  ])

  tags = {
    Name = local.worker_family
  }
}

################################################################################
# Migrations (ADR 0056, amending ADR 0036): their own task definition family, the only
# place that holds the master credentials. Its execution role may read the RDS-managed
# master secret (the API's and the worker's may not); it has no task role (Alembic calls no
# AWS API); it connects to the DB instance directly (the proxy admits IAM users only, and
# the master user is not one), from its own security group, with TLS verified against the
# RDS CA bundle baked into the image. The deploy tool registers a revision with the new
# image and runs it before updating the services. The master secret is read once at start;
# a rotation during a migration does not affect its open connection.
################################################################################

resource "aws_security_group" "migration" {
  #checkov:skip=CKV2_AWS_5:Attached at run time: the deploy tool starts the one-off migration task with this group (output migration, ADR 0056).
  name        = "${var.name}-migration"
  description = "Migration tasks: PostgreSQL to the DB instance, HTTPS out (ECR, logs, secret)"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-migration"
  }
}

resource "aws_vpc_security_group_egress_rule" "migration_to_database" {
  security_group_id            = aws_security_group.migration.id
  description                  = "PostgreSQL to the DB instance"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = var.database.security_group_id

  tags = {
    Name = "to-database"
  }
}

resource "aws_vpc_security_group_egress_rule" "migration_https" {
  security_group_id = aws_security_group.migration.id
  description       = "HTTPS out: ECR, CloudWatch Logs, Secrets Manager (endpoints or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = {
    Name = "to-https"
  }
}

resource "aws_iam_role" "migrate_exec" {
  name               = "${var.name}-migrate-exec"
  description        = "ECS agent for migration tasks: pull the image, write logs, read the database master secret"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = {
    Name = "${var.name}-migrate-exec"
  }
}

data "aws_iam_policy_document" "migrate_exec" {
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPull"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [
      aws_ecr_repository.this.arn,
      # GuardDuty's Fargate agent sidecar (see the task_exec policy).
      "arn:${local.partition}:ecr:${local.region}:*:repository/aws-guardduty-agent-fargate",
    ]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this["api"].arn}:*"]
  }

  statement {
    sid       = "MasterSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.database.master_user_secret_arn]
  }

  statement {
    sid       = "DecryptMasterSecret"
    actions   = ["kms:Decrypt"]
    resources = distinct(compact([var.database.master_user_kms_key_arn, var.kms_key_arn]))

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = [
        "secretsmanager.${local.region}.amazonaws.com",
        "ecr.${local.region}.amazonaws.com",
      ]
    }
  }
}

resource "aws_iam_role_policy" "migrate_exec" {
  name   = "pull-logs-master-secret"
  role   = aws_iam_role.migrate_exec.id
  policy = data.aws_iam_policy_document.migrate_exec.json
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = local.migrate_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.migration.cpu
  memory                   = var.migration.memory
  execution_role_arn       = aws_iam_role.migrate_exec.arn
  skip_destroy             = true

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = local.app_container
      image                  = local.initial_image
      essential              = true
      readonlyRootFilesystem = true
      user                   = var.container_user
      command                = var.migration.command
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      linuxParameters        = { initProcessEnabled = true }
      # Only what a migration needs: no JWT key, no cache token, no AWS permissions.
      environment = [for k in sort(keys(local.migration_environment)) : { name = k, value = local.migration_environment[k] }]
      secrets = [
        { name = "APP_DATABASE_USER", valueFrom = "${var.database.master_user_secret_arn}:username::" },
        { name = "APP_DATABASE_PASSWORD", valueFrom = "${var.database.master_user_secret_arn}:password::" },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this["api"].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "migrate"
        }
      }
    },
  ])

  tags = {
    Name = local.migrate_family
  }
}

################################################################################
# Deployment alarms (roll a deployment back when they fire)
################################################################################

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name}-api-deploy-5xx"
  alarm_description   = "API deployment guard: target 5xx responses. Rolls the ECS deployment back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.api.deploy_alarm_5xx_per_minute
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
  }

  tags = {
    Name = "${var.name}-api-deploy-5xx"
  }
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name          = "${var.name}-api-deploy-p99-latency"
  alarm_description   = "API deployment guard: p99 target response time. Rolls the ECS deployment back."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p99"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.api.deploy_alarm_p99_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
  }

  tags = {
    Name = "${var.name}-api-deploy-p99-latency"
  }
}

resource "aws_cloudwatch_metric_alarm" "worker_stalled" {
  alarm_name          = "${var.name}-worker-deploy-queue-age"
  alarm_description   = "Worker deployment guard: export requests wait too long. Rolls the ECS deployment back."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  threshold           = var.worker.deploy_alarm_oldest_message_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  dimensions = {
    QueueName = var.queue.name
  }

  tags = {
    Name = "${var.name}-worker-deploy-queue-age"
  }
}

################################################################################
# Services
################################################################################

resource "aws_ecs_service" "api" {
  name                               = local.api_service_name
  cluster                            = aws_ecs_cluster.this.arn
  task_definition                    = aws_ecs_task_definition.api.arn
  desired_count                      = var.api.min_count
  platform_version                   = "LATEST"
  enable_execute_command             = true
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  availability_zone_rebalancing      = "ENABLED"
  health_check_grace_period_seconds  = 30
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  wait_for_steady_state              = false

  capacity_provider_strategy {
    capacity_provider = var.api.capacity_provider
    weight            = 1
    base              = 1
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.api.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api["blue"].arn
    container_name   = local.app_container
    container_port   = var.api.container_port

    dynamic "advanced_configuration" {
      for_each = local.blue_green ? [1] : []

      content {
        alternate_target_group_arn = aws_lb_target_group.api["green"].arn
        production_listener_rule   = aws_lb_listener_rule.production.arn
        test_listener_rule         = aws_lb_listener_rule.test[0].arn
        role_arn                   = aws_iam_role.blue_green[0].arn
      }
    }
  }

  deployment_configuration {
    strategy             = var.deployment_strategy
    bake_time_in_minutes = local.blue_green ? tostring(var.bake_time_in_minutes) : null

    dynamic "linear_configuration" {
      for_each = var.deployment_strategy == "LINEAR" ? [1] : []

      content {
        step_percent              = var.traffic_shift_percent
        step_bake_time_in_minutes = tostring(var.traffic_shift_bake_minutes)
      }
    }

    dynamic "canary_configuration" {
      for_each = var.deployment_strategy == "CANARY" ? [1] : []

      content {
        canary_percent              = var.traffic_shift_percent
        canary_bake_time_in_minutes = tostring(var.traffic_shift_bake_minutes)
      }
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    enable   = true
    rollback = true
    alarm_names = concat(
      [aws_cloudwatch_metric_alarm.api_5xx.alarm_name, aws_cloudwatch_metric_alarm.api_latency.alarm_name],
      var.api_extra_deploy_alarm_names,
    )
  }

  tags = {
    Name = local.api_service_name
  }

  # The deploy tool owns the task definition revision (image tag); auto scaling owns the
  # desired count.
  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [
    aws_ecs_cluster_capacity_providers.this,
    aws_lb_listener_rule.production,
    aws_iam_role_policy.task,
    aws_iam_role_policy.task_exec,
    # Tasks read the secret's value at start.
    aws_secretsmanager_secret_version.origin_verify,
    # ECS checks the blue/green infrastructure role when it creates the service.
    aws_iam_role_policy_attachment.blue_green,
  ]
}

resource "aws_ecs_service" "worker" {
  name                               = local.worker_service_name
  cluster                            = aws_ecs_cluster.this.arn
  task_definition                    = aws_ecs_task_definition.worker.arn
  desired_count                      = var.worker.min_count
  platform_version                   = "LATEST"
  enable_execute_command             = true
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  availability_zone_rebalancing      = "ENABLED"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  wait_for_steady_state              = false

  capacity_provider_strategy {
    capacity_provider = var.worker.capacity_provider
    weight            = 1
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.worker.id]
    assign_public_ip = false
  }

  deployment_configuration {
    strategy = "ROLLING"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    enable      = true
    rollback    = true
    alarm_names = concat([aws_cloudwatch_metric_alarm.worker_stalled.alarm_name], var.worker_extra_deploy_alarm_names)
  }

  tags = {
    Name = local.worker_service_name
  }

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [
    aws_ecs_cluster_capacity_providers.this,
    aws_iam_role_policy.task,
    aws_iam_role_policy.task_exec,
    aws_secretsmanager_secret_version.origin_verify,
  ]
}

################################################################################
# Auto scaling
################################################################################

resource "aws_appautoscaling_target" "this" {
  for_each = {
    api    = { service = aws_ecs_service.api.name, min = var.api.min_count, max = var.api.max_count }
    worker = { service = aws_ecs_service.worker.name, min = var.worker.min_count, max = var.worker.max_count }
  }

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${each.value.service}"
  min_capacity       = each.value.min
  max_capacity       = each.value.max
}

resource "aws_appautoscaling_policy" "api" {
  for_each = {
    cpu    = { metric = "ECSServiceAverageCPUUtilization", target = var.api.cpu_target_percent }
    memory = { metric = "ECSServiceAverageMemoryUtilization", target = var.api.memory_target_percent }
    # Requests per running task over every API target group (metric math below), not
    # ALBRequestCountPerTarget: that reads one target group, and under blue/green the live one
    # alternates (blue has no targets after the first swap).
    requests = { metric = null, target = var.api.requests_per_target }
  }

  name               = "${local.api_service_name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this["api"].service_namespace
  scalable_dimension = aws_appautoscaling_target.this["api"].scalable_dimension
  resource_id        = aws_appautoscaling_target.this["api"].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    dynamic "predefined_metric_specification" {
      for_each = each.value.metric == null ? [] : [each.value.metric]

      content {
        predefined_metric_type = predefined_metric_specification.value
      }
    }

    dynamic "customized_metric_specification" {
      for_each = each.value.metric == null ? [1] : []

      content {
        # RequestCount of each target group; a group without traffic publishes nothing (FILL).
        dynamic "metrics" {
          for_each = aws_lb_target_group.api

          content {
            id          = "requests_${metrics.key}"
            label       = "Requests to the ${metrics.key} target group"
            return_data = false

            metric_stat {
              stat = "Sum"

              metric {
                namespace   = "AWS/ApplicationELB"
                metric_name = "RequestCount"

                dimensions {
                  name  = "LoadBalancer"
                  value = aws_lb.this.arn_suffix
                }

                dimensions {
                  name  = "TargetGroup"
                  value = metrics.value.arn_suffix
                }
              }
            }
          }
        }

        metrics {
          id          = "tasks"
          label       = "Running API tasks"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              namespace   = "ECS/ContainerInsights"
              metric_name = "RunningTaskCount"

              dimensions {
                name  = "ClusterName"
                value = aws_ecs_cluster.this.name
              }

              dimensions {
                name  = "ServiceName"
                value = aws_ecs_service.api.name
              }
            }
          }
        }

        metrics {
          id          = "requests_per_task"
          label       = "Requests per running API task"
          expression  = "(${join(" + ", [for key in keys(aws_lb_target_group.api) : "FILL(requests_${key}, 0)"])}) / IF(tasks > 0, tasks, 1)"
          return_data = true
        }
      }
    }
  }
}

# Worker: keep the backlog per running task near the target (metric math).
resource "aws_appautoscaling_policy" "worker_backlog" {
  name               = "${local.worker_service_name}-backlog"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this["worker"].service_namespace
  scalable_dimension = aws_appautoscaling_target.this["worker"].scalable_dimension
  resource_id        = aws_appautoscaling_target.this["worker"].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.worker.backlog_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id          = "visible"
        label       = "Export requests waiting"
        return_data = false

        metric_stat {
          stat = "Sum"

          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"

            dimensions {
              name  = "QueueName"
              value = var.queue.name
            }
          }
        }
      }

      metrics {
        id          = "tasks"
        label       = "Running worker tasks"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"

            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }

            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.worker.name
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_task"
        label       = "Backlog per task"
        expression  = "visible / IF(tasks > 0, tasks, 1)"
        return_data = true
      }
    }
  }
}
