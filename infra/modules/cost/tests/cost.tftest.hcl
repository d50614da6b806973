# Runs where a terraform binary and the provider are available: `terraform test` in this folder.
mock_provider "aws" {}

variables {
  name                     = "tasktracker-test"
  monthly_budget_usd       = 150
  notification_emails      = ["ops@example.com"]
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:tasktracker-test-alarms"
  enable_sns_notifications = true
  cost_filter_tag          = { key = "Environment", value = "dev" }
  cost_allocation_tags     = ["Project", "Environment"]
}

run "budget_and_anomalies" {
  command = plan

  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "150.00" && aws_budgets_budget.monthly.time_unit == "MONTHLY"
    error_message = "A monthly budget of 150 USD."
  }

  assert {
    condition     = length([for n in aws_budgets_budget.monthly.notification : n if n.notification_type == "FORECASTED"]) == 1
    error_message = "The budget alerts on the forecast too."
  }

  assert {
    condition     = one(one(aws_budgets_budget.monthly.cost_filter).values) == "user:Environment$dev"
    error_message = "The budget is filtered on the environment's cost allocation tag."
  }

  assert {
    condition     = aws_ce_anomaly_monitor.this[0].monitor_type == "CUSTOM"
    error_message = "A tag-scoped anomaly monitor per environment."
  }

  assert {
    condition     = aws_ce_anomaly_subscription.this["immediate"].frequency == "IMMEDIATE" && aws_ce_anomaly_subscription.this["daily"].frequency == "DAILY"
    error_message = "Immediate alerts to SNS, a daily summary by e-mail."
  }

  assert {
    condition     = one(one(aws_ce_anomaly_subscription.this["daily"].threshold_expression).dimension).key == "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
    error_message = "Anomaly subscriptions use threshold_expression (threshold is deprecated)."
  }

  assert {
    condition     = length(aws_ce_cost_allocation_tag.this) == 0
    error_message = "Cost allocation tags are not activated on the first apply (Cost Explorer does not know the keys yet)."
  }
}

run "cost_allocation_tags_second_step" {
  command = plan

  variables {
    activate_cost_allocation_tags = true
  }

  assert {
    condition     = toset(keys(aws_ce_cost_allocation_tag.this)) == toset(["Project", "Environment"])
    error_message = "With activate_cost_allocation_tags the listed keys are activated."
  }
}

run "email_only" {
  command = plan

  variables {
    sns_topic_arn            = null
    enable_sns_notifications = false
  }

  assert {
    condition     = toset(keys(aws_ce_anomaly_subscription.this)) == toset(["daily"])
    error_message = "Without SNS only the daily e-mail summary is subscribed."
  }
}

run "arn_without_flag_is_rejected" {
  command = plan

  variables {
    enable_sns_notifications = false
  }

  expect_failures = [var.enable_sns_notifications]
}
