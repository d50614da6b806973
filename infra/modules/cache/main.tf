locals {
  id   = "${var.name}-cache"
  port = 6379

  # Automatic failover and Multi-AZ need at least one replica.
  has_replicas = var.num_cache_clusters > 1
}

resource "aws_elasticache_subnet_group" "this" {
  name        = local.id
  description = "${var.name} cache in the isolated subnets"
  subnet_ids  = var.isolated_subnet_ids

  tags = {
    Name = local.id
  }
}

resource "aws_security_group" "this" {
  name        = local.id
  description = "Cache: ${var.engine} port only from the listed app security groups"
  vpc_id      = var.vpc_id

  tags = {
    Name = local.id
  }
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "${var.engine} from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value

  tags = {
    Name = "from-${each.key}"
  }
}

################################################################################
# AUTH token, kept in Secrets Manager for the app (`APP_REDIS_PASSWORD`)
################################################################################

# The replication group's `auth_token` is not a write-only argument, so the token is in
# the state either way; a regular random_password keeps it stable across plans. The state
# bucket is KMS-encrypted and access-restricted (see infra/bootstrap).
resource "random_password" "auth_token" {
  length           = 64
  special          = true
  override_special = "!&#$^<>-"
  min_special      = 2
}

resource "aws_secretsmanager_secret" "auth_token" {
  #checkov:skip=CKV2_AWS_57:No AWS-provided rotation function exists for a replication group AUTH token; it is rotated with auth_token_update_strategy ROTATE then SET (docs/runbooks/rotate-secrets.md).
  name_prefix             = "${local.id}-auth-"
  description             = "AUTH token of the ${local.id} replication group (JSON key `password`)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = {
    Name = "${local.id}-auth"
  }
}

resource "aws_secretsmanager_secret_version" "auth_token" {
  secret_id = aws_secretsmanager_secret.auth_token.id
  secret_string = jsonencode({
    password = random_password.auth_token.result
  })
}

################################################################################
# Slow log
################################################################################

resource "aws_cloudwatch_log_group" "slow_log" {
  name              = "/aws/elasticache/${local.id}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = {
    Name = "${local.id}-slow-log"
  }
}

################################################################################
# Replication group (cluster mode disabled: one shard, 1 primary + replicas)
################################################################################

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = local.id
  description          = "${var.name} cache, sessions and rate limits"

  engine               = var.engine
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = local.port
  parameter_group_name = var.parameter_group_name

  num_cache_clusters         = var.num_cache_clusters
  automatic_failover_enabled = local.has_replicas
  multi_az_enabled           = local.has_replicas && var.multi_az

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]
  network_type       = "ipv4"

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"

  auth_token                 = random_password.auth_token.result
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit  = var.snapshot_retention_days
  snapshot_window           = var.snapshot_window
  maintenance_window        = var.maintenance_window
  final_snapshot_identifier = var.final_snapshot ? "${local.id}-final" : null

  auto_minor_version_upgrade = true
  apply_immediately          = var.apply_immediately

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = {
    Name = local.id
  }
}
