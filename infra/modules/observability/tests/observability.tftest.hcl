# Runs where a terraform binary and the provider are available: `terraform test` in this folder.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name        = "tasktracker-test"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  log_groups  = { api = {}, worker = { retention_in_days = 7 } }
  alb = {
    arn_suffix = "app/tasktracker-test/0123456789abcdef"
    target_group_arn_suffixes = {
      blue  = "targetgroup/tasktracker-test-api-blue/0123456789abcdef"
      green = "targetgroup/tasktracker-test-api-green/0123456789abcdef"
    }
  }
  rds   = { instance_id = "tasktracker-test" }
  cache = { cache_cluster_ids = ["tasktracker-test-001", "tasktracker-test-002"] }
}

run "slo_alarms" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.slo) == 12 && length(aws_cloudwatch_composite_alarm.slo) == 6
    error_message = "Two SLOs x three burn-rate windows x (long, short) metric alarms, one composite per SLO and window."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.slo["availability-fast-long"].threshold == 14.4 * (100 - 99.9)
    error_message = "The fast availability alarm fires at 14.4x the 0.1% budget."
  }

  assert {
    condition     = length(aws_cloudwatch_composite_alarm.slo["latency-fast"].alarm_actions) == 1
    error_message = "Composite SLO alarms notify the SNS topic."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this["worker"].retention_in_days == 7 && aws_cloudwatch_log_group.this["api"].retention_in_days == 30
    error_message = "Log group retention: per-group override, module default otherwise."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The alarm topic is encrypted with the CMK."
  }

  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.cause), "cache-tasktracker-test-002-evictions") && contains(keys(aws_cloudwatch_metric_alarm.cause), "rds-free-storage")
    error_message = "Cause alarms exist for every cache node and for RDS storage."
  }
}

run "blue_green_target_groups" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for alarm in aws_cloudwatch_metric_alarm.slo : [
        for query in alarm.metric_query : [for metric in query.metric : !contains(keys(metric.dimensions), "TargetGroup")]
      ]
    ]))
    error_message = "SLO alarms read load-balancer-level metrics only, so a blue/green swap does not blind them."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.cause["alb-unhealthy-targets-blue"].dimensions.TargetGroup == var.alb.target_group_arn_suffixes["blue"]
      && aws_cloudwatch_metric_alarm.cause["alb-unhealthy-targets-green"].dimensions.TargetGroup == var.alb.target_group_arn_suffixes["green"]
    )
    error_message = "One unhealthy-target alarm per target group (UnHealthyHostCount exists per target group only)."
  }

  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "TargetGroup")
    error_message = "Dashboard widgets chart load-balancer-level metrics, not one target group."
  }

  assert {
    condition = (
      contains(output.deployment_alarm_names, "tasktracker-test-alb-unhealthy-targets-blue")
      && contains(output.deployment_alarm_names, "tasktracker-test-alb-unhealthy-targets-green")
      && contains(output.deployment_alarm_names, "tasktracker-test-slo-availability-fast-short")
    )
    error_message = "Deployment rollback alarms cover both target groups and the fast burn-rate windows."
  }
}

run "nothing_wired" {
  command = plan

  variables {
    alb   = null
    rds   = null
    cache = null
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.slo) == 0 && length(aws_cloudwatch_metric_alarm.cause) == 0
    error_message = "Without resources to watch there are no alarms."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 1
    error_message = "The dashboard still renders (a placeholder text widget)."
  }
}
