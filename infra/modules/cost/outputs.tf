output "budget_name" {
  description = "Name of the monthly cost budget."
  value       = aws_budgets_budget.monthly.name
}

output "anomaly_monitor_arn" {
  description = "ARN of the Cost Anomaly Detection monitor, or null."
  value       = try(aws_ce_anomaly_monitor.this[0].arn, null)
}

output "anomaly_subscription_names" {
  description = "Names of the anomaly subscriptions (immediate to SNS, daily e-mail summary)."
  value       = [for s in aws_ce_anomaly_subscription.this : s.name]
}

output "cost_allocation_tags" {
  description = "Tag keys activated for cost allocation by this stack."
  value       = [for t in aws_ce_cost_allocation_tag.this : t.tag_key]
}
