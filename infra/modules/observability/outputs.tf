output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic every alarm (and the budget and backup notifications) publishes to."
  value       = aws_sns_topic.alarms.arn

  # Budgets and Cost Anomaly Detection check that they may publish to the topic when their
  # notifications are created: hand the ARN out only once the topic policy is in place.
  depends_on = [aws_sns_topic_policy.alarms]
}

output "log_group_names" {
  description = "Names of the created CloudWatch Logs groups, by key."
  value       = { for k, lg in aws_cloudwatch_log_group.this : k => lg.name }
}

output "log_group_arns" {
  description = "ARNs of the created CloudWatch Logs groups, by key."
  value       = { for k, lg in aws_cloudwatch_log_group.this : k => lg.arn }
}

output "slo_alarm_names" {
  description = "Names of the composite SLO burn-rate alarms (these page)."
  value       = [for a in aws_cloudwatch_composite_alarm.slo : a.alarm_name]
}

output "deployment_alarm_names" {
  description = "Metric alarms suited to ECS deployment rollback (`alarms` block): the short windows of the fast burn-rate alerts (load-balancer level, so valid in ROLLING and blue/green) and the unhealthy-target alarm of every API target group."
  value = concat(
    [for k, a in aws_cloudwatch_metric_alarm.slo : a.alarm_name if endswith(k, "-fast-short")],
    [for k, a in aws_cloudwatch_metric_alarm.cause : a.alarm_name if startswith(k, "alb-unhealthy-targets-")],
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "xray_sampling_rule_name" {
  description = "Name of the X-Ray sampling rule."
  value       = aws_xray_sampling_rule.this.rule_name
}
