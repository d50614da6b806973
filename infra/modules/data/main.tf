data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  identifier = "${var.name}-postgres"
  port       = 5432

  # Parameters every environment gets; the caller can add or override through `parameters`.
  # `rds.force_ssl = 1` is a literal block of the parameter group, not part of this map, so
  # no caller can turn TLS off (the variable's validation refuses the name).
  base_parameters = {
    # Refuse clients that try anything below TLS 1.2.
    "ssl_min_protocol_version"            = { value = "TLSv1.2", apply_method = "immediate" }
    "log_min_duration_statement"          = { value = "500", apply_method = "immediate" }
    "log_lock_waits"                      = { value = "1", apply_method = "immediate" }
    "log_temp_files"                      = { value = "10240", apply_method = "immediate" }
    "idle_in_transaction_session_timeout" = { value = "60000", apply_method = "immediate" }
    "shared_preload_libraries"            = { value = "pg_stat_statements", apply_method = "pending-reboot" }
    "pg_stat_statements.track"            = { value = "top", apply_method = "immediate" }
  }
  parameters = merge(local.base_parameters, var.parameters)

  # The family follows the engine's major version unless the caller names one.
  parameter_group_family = coalesce(var.parameter_group_family, "postgres${split(".", var.engine_version)[0]}")

  # `rds-db:connect` resources: the database user behind the instance (the proxy's role) and
  # behind the proxy (the app's task roles); the proxy's resource ID ends its ARN.
  rds_db_prefix            = "arn:${data.aws_partition.current.partition}:rds-db:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:dbuser"
  instance_app_db_user_arn = "${local.rds_db_prefix}:${aws_db_instance.this.resource_id}/${var.app_db_username}"
  proxy_resource_id        = element(split(":", aws_db_proxy.this.arn), 6)
  proxy_app_db_user_arn    = "${local.rds_db_prefix}:${local.proxy_resource_id}/${var.app_db_username}"
}

################################################################################
# Networking: isolated subnets, security groups
################################################################################

resource "aws_db_subnet_group" "this" {
  name        = local.identifier
  description = "${var.name} PostgreSQL in the isolated subnets"
  subnet_ids  = var.isolated_subnet_ids

  tags = {
    Name = local.identifier
  }
}

resource "aws_security_group" "db" {
  name        = "${local.identifier}-db"
  description = "PostgreSQL: only from RDS Proxy and the listed app security groups"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${local.identifier}-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.proxy.id

  tags = {
    Name = "from-rds-proxy"
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_clients" {
  for_each = var.direct_client_security_group_ids

  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL directly from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value

  tags = {
    Name = "from-${each.key}"
  }
}

resource "aws_security_group" "proxy" {
  #checkov:skip=CKV2_AWS_5:Attached to aws_db_proxy.this (vpc_security_group_ids); the check's list of attachable resource types lacks aws_db_proxy.
  name        = "${local.identifier}-proxy"
  description = "RDS Proxy: PostgreSQL from the app security groups, to the database only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${local.identifier}-proxy"
  }
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_clients" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value

  tags = {
    Name = "from-${each.key}"
  }
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_db" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL to the database"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.db.id

  tags = {
    Name = "to-database"
  }
}

# No HTTPS egress: with end-to-end IAM authentication the proxy reads no secret, so it needs
# neither a Secrets Manager endpoint nor NAT, in any environment (ADR 0056). PostgreSQL to the
# database is its only egress.

################################################################################
# Parameter group
################################################################################

resource "aws_db_parameter_group" "this" {
  name_prefix = "${local.identifier}-"
  family      = local.parameter_group_family
  description = "${var.name} PostgreSQL: TLS forced, slow query logging, timeouts"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "immediate"
  }

  dynamic "parameter" {
    for_each = local.parameters

    content {
      name         = parameter.key
      value        = parameter.value.value
      apply_method = parameter.value.apply_method
    }
  }

  tags = {
    Name = local.identifier
  }

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Enhanced monitoring role
################################################################################

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "enhanced_monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${local.identifier}-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = {
    Name = "${local.identifier}-monitoring"
  }
}

resource "aws_iam_role_policy_attachment" "enhanced_monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.enhanced_monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

################################################################################
# Log groups for the exported PostgreSQL logs (retention and KMS under our control)
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(var.cloudwatch_logs_exports)

  name              = "/aws/rds/instance/${local.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = {
    Name = "${local.identifier}-${each.key}"
  }
}

################################################################################
# DB instance
################################################################################

resource "aws_db_instance" "this" {
  identifier     = local.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.master_username
  port     = local.port

  # RDS keeps the master password in Secrets Manager and rotates it (every 7 days by
  # default). Not combinable with `blue_green_update` (see ADR 0033). Only the migration task
  # reads it, at start, and connects directly (ADR 0056); the app uses IAM tokens.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  network_type           = "IPV4"
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = var.ca_cert_identifier

  backup_retention_period  = var.backup_retention_days
  backup_window            = var.backup_window
  maintenance_window       = var.maintenance_window
  copy_tags_to_snapshot    = true
  delete_automated_backups = !var.deletion_protection

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.final_snapshot
  final_snapshot_identifier = var.final_snapshot ? "${local.identifier}-final" : null

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = var.apply_immediately

  # The proxy logs in with IAM as the app role (end-to-end IAM, ADR 0056).
  iam_database_authentication_enabled = true

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? var.performance_insights_retention_days : null

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = try(aws_iam_role.enhanced_monitoring[0].arn, null)

  enabled_cloudwatch_logs_exports = var.cloudwatch_logs_exports

  tags = merge(var.instance_tags, {
    Name = local.identifier
  })

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy_attachment.enhanced_monitoring,
  ]
}

################################################################################
# RDS Proxy: TLS required, end-to-end IAM authentication (ADR 0056)
#
# Clients log in with IAM tokens (their role needs `rds-db:connect` on the proxy's dbuser ARN,
# see the `app_db_user_arn` output) and the proxy logs in to the database with IAM as the same
# user. No secret is involved: a rotation of the master password cannot break the app, the
# app never holds the master password, and the proxy needs no route to Secrets Manager.
################################################################################

data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "proxy" {
  name               = "${local.identifier}-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json

  tags = {
    Name = "${local.identifier}-proxy"
  }
}

# The proxy may log in to this instance as the app's role only; the master user stays out of
# the proxy (migrations connect to the instance directly, see `direct_client_security_group_ids`).
data "aws_iam_policy_document" "proxy" {
  statement {
    sid       = "ConnectAsAppRole"
    actions   = ["rds-db:connect"]
    resources = [local.instance_app_db_user_arn]
  }
}

resource "aws_iam_role_policy" "proxy" {
  name   = "connect-as-app-role"
  role   = aws_iam_role.proxy.id
  policy = data.aws_iam_policy_document.proxy.json
}

resource "aws_db_proxy" "this" {
  name                   = "${local.identifier}-proxy"
  engine_family          = "POSTGRESQL"
  require_tls            = true
  idle_client_timeout    = var.proxy_idle_client_timeout
  debug_logging          = false
  role_arn               = aws_iam_role.proxy.arn
  vpc_subnet_ids         = var.proxy_subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy.id]

  # Client to proxy and proxy to database both with IAM (provider >= 6.15); no `auth` block.
  default_auth_scheme = "IAM_AUTH"

  tags = {
    Name = "${local.identifier}-proxy"
  }

  depends_on = [aws_iam_role_policy.proxy]
}

resource "aws_db_proxy_default_target_group" "this" {
  db_proxy_name = aws_db_proxy.this.name

  connection_pool_config {
    max_connections_percent      = var.proxy_max_connections_percent
    max_idle_connections_percent = var.proxy_max_idle_connections_percent
    connection_borrow_timeout    = 120
  }
}

resource "aws_db_proxy_target" "this" {
  db_proxy_name          = aws_db_proxy.this.name
  target_group_name      = aws_db_proxy_default_target_group.this.name
  db_instance_identifier = aws_db_instance.this.identifier
}
