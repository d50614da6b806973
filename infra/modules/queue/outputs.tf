output "queue_url" {
  description = "URL of the exports queue (`APP_SQS_EXPORT_QUEUE_URL`)."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the exports queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the exports queue (CloudWatch metric dimension `QueueName`)."
  value       = aws_sqs_queue.this.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}
