mock_provider "aws" {
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:xx-test-1:111122223333:taskapp-test-exports-dlq"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name        = "taskapp-test"
  kms_key_arn = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
}

run "encrypted_queue_with_dlq" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "Both queues must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_sqs_queue.this.receive_wait_time_seconds == 20
    error_message = "The exports queue must use long polling."
  }

  assert {
    condition     = aws_sqs_queue.this.name == "taskapp-test-exports"
    error_message = "Unexpected queue name."
  }
}
