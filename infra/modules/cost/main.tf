locals {
  # Every count/for_each below is keyed on known-at-plan inputs (the flags and the e-mail list),
  # never on sns_topic_arn, which is unknown until the topic is created in the same apply.
  has_subscriber = length(var.notification_emails) > 0 || var.enable_sns_notifications

  budget_notifications = concat(
    [for t in var.budget_alert_thresholds.actual : { type = "ACTUAL", threshold = t }],
    [for t in var.budget_alert_thresholds.forecasted : { type = "FORECASTED", threshold = t }],
  )

  anomaly_subscriptions = merge(
    var.enable_sns_notifications ? { immediate = { frequency = "IMMEDIATE", type = "SNS", addresses = [var.sns_topic_arn] } } : {},
    length(var.notification_emails) == 0 ? {} : { daily = { frequency = "DAILY", type = "EMAIL", addresses = var.notification_emails } },
  )
}

################################################################################
# Budget
################################################################################

resource "aws_budgets_budget" "monthly" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "cost_filter" {
    for_each = var.cost_filter_tag == null ? [] : [var.cost_filter_tag]

    content {
      name   = "TagKeyValue"
      values = [format("user:%s$%s", cost_filter.value.key, cost_filter.value.value)]
    }
  }

  dynamic "notification" {
    for_each = local.has_subscriber ? local.budget_notifications : []

    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value.threshold
      threshold_type             = "PERCENTAGE"
      notification_type          = notification.value.type
      subscriber_email_addresses = var.notification_emails
      subscriber_sns_topic_arns  = var.enable_sns_notifications ? [var.sns_topic_arn] : []
    }
  }

  tags = { Name = "${var.name}-monthly" }
}

################################################################################
# Cost Anomaly Detection
################################################################################

resource "aws_ce_anomaly_monitor" "this" {
  count = var.create_anomaly_monitor ? 1 : 0

  name              = var.name
  monitor_type      = var.cost_filter_tag == null ? "DIMENSIONAL" : "CUSTOM"
  monitor_dimension = var.cost_filter_tag == null ? "SERVICE" : null
  monitor_specification = var.cost_filter_tag == null ? null : jsonencode({
    Tags = {
      Key          = var.cost_filter_tag.key
      Values       = [var.cost_filter_tag.value]
      MatchOptions = ["EQUALS"]
    }
  })

  tags = { Name = var.name }
}

resource "aws_ce_anomaly_subscription" "this" {
  for_each = var.create_anomaly_monitor ? local.anomaly_subscriptions : {}

  name             = "${var.name}-${each.key}"
  frequency        = each.value.frequency
  monitor_arn_list = [aws_ce_anomaly_monitor.this[0].arn]

  dynamic "subscriber" {
    for_each = each.value.addresses

    content {
      type    = each.value.type
      address = subscriber.value
    }
  }

  threshold_expression {
    dimension {
      key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
      match_options = ["GREATER_THAN_OR_EQUAL"]
      values        = [tostring(var.anomaly_threshold_usd)]
    }
  }

  tags = { Name = "${var.name}-${each.key}" }
}

################################################################################
# Cost allocation tags
################################################################################

# Cost Explorer accepts a key only after it has seen it on a resource (up to 24 hours after the
# first apply), so activation is a second, later step: activate_cost_allocation_tags = true.
resource "aws_ce_cost_allocation_tag" "this" {
  for_each = var.activate_cost_allocation_tags ? toset(var.cost_allocation_tags) : toset([])

  tag_key = each.value
  status  = "Active"
}
