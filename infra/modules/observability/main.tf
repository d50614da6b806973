data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  # Error budgets in percent of requests (100 - target).
  availability_budget = 100 - var.slo.availability_target
  latency_budget      = 100 - var.slo.latency_target
  # CloudWatch percentile rank: percentage of requests at or below the threshold.
  latency_rank_stat = "PR(:${var.slo.latency_threshold_seconds})"

  # One alarm per SLO x burn-rate window x (long, short).
  slo_windows = var.alb == null ? {} : merge([
    for slo in ["availability", "latency"] : merge([
      for window, w in var.burn_rate_windows : {
        for length in ["long", "short"] : "${slo}-${window}-${length}" => {
          slo       = slo
          window    = window
          period    = length == "long" ? w.long_window_seconds : w.short_window_seconds
          threshold = w.burn_rate * (slo == "availability" ? local.availability_budget : local.latency_budget)
          burn_rate = w.burn_rate
        }
      }
    ]...)
  ]...)

  slo_composites = var.alb == null ? {} : merge([
    for slo in ["availability", "latency"] : {
      for window, w in var.burn_rate_windows : "${slo}-${window}" => { slo = slo, window = window, burn_rate = w.burn_rate }
    }
  ]...)

  alarm_actions = [aws_sns_topic.alarms.arn]
}

################################################################################
# Log groups
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is set per environment (log_retention_in_days: short in dev to keep it cheap, a year or more in prod).
  for_each = var.log_groups

  name              = coalesce(each.value.name, "/${var.name}/${each.key}")
  retention_in_days = coalesce(each.value.retention_in_days, var.log_retention_in_days)
  kms_key_id        = var.kms_key_arn

  tags = { Name = coalesce(each.value.name, "/${var.name}/${each.key}") }
}

################################################################################
# Alarm topic
################################################################################

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn

  tags = { Name = "${var.name}-alarms" }
}

locals {
  partition = data.aws_partition.current.partition

  # Every AWS service that publishes to the alarm topic, with the confused-deputy conditions
  # its documentation supports. AWS Backup documents none (and supports no cross-account
  # topics); the KMS key policy (security module) admits the same services.
  topic_publishers = {
    CloudWatchAlarms = {
      service   = "cloudwatch.amazonaws.com"
      account   = true
      arn_likes = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*"]
    }
    Budgets = {
      service   = "budgets.amazonaws.com"
      account   = true
      arn_likes = ["arn:${local.partition}:budgets::${local.account_id}:*"]
    }
    CostAnomalyDetection = {
      service   = "costalerts.amazonaws.com"
      account   = true
      arn_likes = []
    }
    EventBridgeRules = {
      service   = "events.amazonaws.com"
      account   = false
      arn_likes = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/*"]
    }
    AwsBackup = {
      service   = "backup.amazonaws.com"
      account   = false
      arn_likes = []
    }
  }
}

data "aws_iam_policy_document" "alarms_topic" {
  dynamic "statement" {
    for_each = local.topic_publishers

    content {
      sid       = statement.key
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.alarms.arn]

      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }

      dynamic "condition" {
        for_each = statement.value.account ? [local.account_id] : []

        content {
          test     = "StringEquals"
          variable = "aws:SourceAccount"
          values   = [condition.value]
        }
      }

      dynamic "condition" {
        for_each = length(statement.value.arn_likes) > 0 ? [statement.value.arn_likes] : []

        content {
          test     = "ArnLike"
          variable = "aws:SourceArn"
          values   = condition.value
        }
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

################################################################################
# SLO burn-rate alarms (docs/slo.md)
################################################################################

resource "aws_cloudwatch_metric_alarm" "slo" {
  for_each = local.slo_windows

  alarm_name          = "${var.name}-slo-${each.key}"
  alarm_description   = "${each.value.slo} SLO: error budget burning ${each.value.burn_rate}x over ${each.value.period / 60} min (component of ${var.name}-slo-${each.value.slo}-${each.value.window})."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"

  dynamic "metric_query" {
    for_each = each.value.slo == "availability" ? {
      requests   = "RequestCount"
      elb_5xx    = "HTTPCode_ELB_5XX_Count"
      target_5xx = "HTTPCode_Target_5XX_Count"
    } : {}

    content {
      id = metric_query.key

      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = metric_query.value
        period      = each.value.period
        stat        = "Sum"
        dimensions  = { LoadBalancer = var.alb.arn_suffix }
      }
    }
  }

  dynamic "metric_query" {
    for_each = each.value.slo == "latency" ? [1] : []

    content {
      id = "fast_share"

      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = "TargetResponseTime"
        period      = each.value.period
        stat        = local.latency_rank_stat
        # Load balancer level, like the availability SLO: under blue/green the live target
        # group alternates, and the ALB fronts only the API.
        dimensions = { LoadBalancer = var.alb.arn_suffix }
      }
    }
  }

  metric_query {
    id          = "bad_percent"
    return_data = true
    label       = each.value.slo == "availability" ? "5xx % of requests" : "% of requests slower than ${var.slo.latency_threshold_seconds}s"
    expression = (each.value.slo == "availability"
      ? "IF(requests > 0, 100 * (FILL(elb_5xx, 0) + FILL(target_5xx, 0)) / requests, 0)"
      : "100 - FILL(fast_share, 100)"
    )
  }

  tags = { Name = "${var.name}-slo-${each.key}", Slo = each.value.slo }
}

resource "aws_cloudwatch_composite_alarm" "slo" {
  for_each = local.slo_composites

  alarm_name        = "${var.name}-slo-${each.key}"
  alarm_description = "${each.value.slo} SLO error budget burning at ${each.value.burn_rate}x in both windows. Runbook: docs/runbooks/ (see docs/slo.md)."
  alarm_rule        = "ALARM(\"${aws_cloudwatch_metric_alarm.slo["${each.key}-long"].alarm_name}\") AND ALARM(\"${aws_cloudwatch_metric_alarm.slo["${each.key}-short"].alarm_name}\")"
  alarm_actions     = local.alarm_actions
  ok_actions        = local.alarm_actions

  tags = { Name = "${var.name}-slo-${each.key}", Slo = each.value.slo }
}

################################################################################
# Cause-oriented alarms (help find why an SLO burns)
################################################################################

locals {
  cause_alarms = merge(
    # UnHealthyHostCount exists per target group only: one alarm for each (blue and green
    # under blue/green; the idle one reports no unhealthy targets).
    var.alb == null ? {} : {
      for key, suffix in var.alb.target_group_arn_suffixes : "alb-unhealthy-targets-${key}" => {
        namespace  = "AWS/ApplicationELB", metric = "UnHealthyHostCount", stat = "Maximum", threshold = 0, periods = 3, comparison = "GreaterThanThreshold"
        dimensions = { LoadBalancer = var.alb.arn_suffix, TargetGroup = suffix }
      }
    },
    var.ecs == null ? {} : merge([
      for svc in var.ecs.service_names : {
        "ecs-${svc}-cpu" = {
          namespace  = "AWS/ECS", metric = "CPUUtilization", stat = "Average", threshold = var.thresholds.ecs_cpu_percent, periods = 3, comparison = "GreaterThanThreshold"
          dimensions = { ClusterName = var.ecs.cluster_name, ServiceName = svc }
        }
        "ecs-${svc}-memory" = {
          namespace  = "AWS/ECS", metric = "MemoryUtilization", stat = "Average", threshold = var.thresholds.ecs_memory_percent, periods = 3, comparison = "GreaterThanThreshold"
          dimensions = { ClusterName = var.ecs.cluster_name, ServiceName = svc }
        }
      }
    ]...),
    var.rds == null ? {} : {
      "rds-cpu" = {
        namespace  = "AWS/RDS", metric = "CPUUtilization", stat = "Average", threshold = var.thresholds.rds_cpu_percent, periods = 3, comparison = "GreaterThanThreshold"
        dimensions = { DBInstanceIdentifier = var.rds.instance_id }
      }
      "rds-connections" = {
        namespace  = "AWS/RDS", metric = "DatabaseConnections", stat = "Maximum", threshold = var.thresholds.rds_max_connections, periods = 3, comparison = "GreaterThanThreshold"
        dimensions = { DBInstanceIdentifier = var.rds.instance_id }
      }
      "rds-free-storage" = {
        namespace  = "AWS/RDS", metric = "FreeStorageSpace", stat = "Minimum", threshold = var.thresholds.rds_free_storage_bytes, periods = 1, comparison = "LessThanThreshold"
        dimensions = { DBInstanceIdentifier = var.rds.instance_id }
      }
    },
    var.cache == null ? {} : merge([
      for id in var.cache.cache_cluster_ids : {
        "cache-${id}-cpu" = {
          namespace  = "AWS/ElastiCache", metric = "EngineCPUUtilization", stat = "Average", threshold = var.thresholds.cache_engine_cpu_percent, periods = 3, comparison = "GreaterThanThreshold"
          dimensions = { CacheClusterId = id }
        }
        "cache-${id}-evictions" = {
          namespace  = "AWS/ElastiCache", metric = "Evictions", stat = "Sum", threshold = var.thresholds.cache_evictions_per_5min, periods = 3, comparison = "GreaterThanThreshold"
          dimensions = { CacheClusterId = id }
        }
      }
    ]...),
    var.sqs == null ? {} : {
      "sqs-export-age" = {
        namespace  = "AWS/SQS", metric = "ApproximateAgeOfOldestMessage", stat = "Maximum", threshold = var.sqs.max_age_of_oldest_seconds, periods = 3, comparison = "GreaterThanThreshold"
        dimensions = { QueueName = var.sqs.queue_name }
      }
      "sqs-export-dlq" = {
        namespace  = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", stat = "Maximum", threshold = 0, periods = 1, comparison = "GreaterThanThreshold"
        dimensions = { QueueName = var.sqs.dlq_name }
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "cause" {
  for_each = local.cause_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "${each.value.namespace} ${each.value.metric} (${each.value.stat}) crossed ${each.value.threshold}."
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.stat
  dimensions          = each.value.dimensions
  period              = 300
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.periods
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = { Name = "${var.name}-${each.key}" }
}

################################################################################
# Dashboard
################################################################################

locals {

  widgets = concat(
    var.alb == null ? [] : [
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "ALB 5xx and requests", region = local.region, stat = "Sum", period = 60
          metrics = [
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb.arn_suffix],
            [".", "HTTPCode_Target_5XX_Count", ".", "."],
            [".", "RequestCount", ".", ".", { yAxis = "right" }],
          ]
        }
      }),
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "ALB target latency (p50 / p99) vs SLO", region = local.region, period = 60
          metrics = [
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb.arn_suffix, { stat = "p50" }],
            ["...", { stat = "p99" }],
          ]
          annotations = { horizontal = [{ label = "SLO threshold", value = var.slo.latency_threshold_seconds }] }
        }
      }),
    ],
    var.ecs == null ? [] : [
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "ECS CPU / memory", region = local.region, stat = "Average", period = 60
          metrics = flatten([
            for svc in var.ecs.service_names : [
              ["AWS/ECS", "CPUUtilization", "ClusterName", var.ecs.cluster_name, "ServiceName", svc],
              ["AWS/ECS", "MemoryUtilization", "ClusterName", var.ecs.cluster_name, "ServiceName", svc],
            ]
          ])
        }
      }),
    ],
    var.rds == null ? [] : [
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "RDS CPU, connections, replica lag", region = local.region, stat = "Average", period = 60
          metrics = [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.rds.instance_id],
            [".", "DatabaseConnections", ".", ".", { yAxis = "right" }],
            [".", "ReplicaLag", ".", ".", { yAxis = "right" }],
          ]
        }
      }),
    ],
    var.cache == null ? [] : [
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "Cache engine CPU and evictions", region = local.region, period = 60
          metrics = flatten([
            for id in var.cache.cache_cluster_ids : [
              ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", id, { stat = "Average" }],
              ["AWS/ElastiCache", "Evictions", "CacheClusterId", id, { stat = "Sum", yAxis = "right" }],
            ]
          ])
        }
      }),
    ],
    var.cloudfront_distribution_id == null ? [] : [
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "CloudFront 4xx / 5xx error rate", region = "us-east-1", stat = "Average", period = 300
          metrics = [
            ["AWS/CloudFront", "4xxErrorRate", "DistributionId", var.cloudfront_distribution_id, "Region", "Global"],
            [".", "5xxErrorRate", ".", ".", ".", "."],
          ]
        }
      }),
    ],
    var.sqs == null ? [] : [
      jsonencode({
        type = "metric", width = 12, height = 6
        properties = {
          title = "Export queue: age of oldest message, DLQ depth", region = local.region, stat = "Maximum", period = 60
          metrics = [
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.sqs.queue_name],
            [".", "ApproximateNumberOfMessagesVisible", ".", var.sqs.dlq_name, { yAxis = "right" }],
          ]
        }
      }),
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  # Widgets are JSON strings so optional sections of different shapes concatenate cleanly.
  dashboard_body = "{\"widgets\":[${join(",", length(local.widgets) > 0 ? local.widgets : [
    jsonencode({ type = "text", width = 24, height = 2, properties = { markdown = "No resources wired to the ${var.name} dashboard yet." } })
  ])}]}"
}

################################################################################
# X-Ray
################################################################################

resource "aws_xray_sampling_rule" "this" {
  rule_name      = substr("${var.name}-api", 0, 32)
  priority       = var.xray_sampling.priority
  reservoir_size = var.xray_sampling.reservoir_size
  fixed_rate     = var.xray_sampling.fixed_rate
  service_name   = var.xray_sampling.service_name
  service_type   = "*"
  host           = "*"
  http_method    = "*"
  url_path       = "*"
  resource_arn   = "*"
  version        = 1

  tags = { Name = "${var.name}-api" }
}
