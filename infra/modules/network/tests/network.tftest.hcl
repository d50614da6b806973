mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["xx-test-1a", "xx-test-1b", "xx-test-1c"]
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "xx-test-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name = "taskapp-test"
  cidr = "10.20.0.0/16"
}

run "three_azs_nat_per_az" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_subnet.isolated) == 3
    error_message = "Expected one public, private and isolated subnet per AZ."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3
    error_message = "Expected one NAT gateway per AZ by default."
  }

  assert {
    condition     = aws_subnet.isolated["xx-test-1b"].cidr_block == "10.20.136.0/21"
    error_message = "Isolated subnet CIDRs must follow the AZ's position."
  }

  assert {
    condition     = aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "Flow logs must go to CloudWatch Logs."
  }
}

run "single_nat_two_azs" {
  command = plan

  variables {
    az_count                      = 2
    single_nat_gateway            = true
    interface_endpoints_single_az = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 2
    error_message = "A single NAT gateway must serve both private route tables."
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 7
    error_message = "All seven interface endpoints are expected."
  }
}

# azs = null (the default above) must pass validation: Terraform 1.11 does not short-circuit
# `||`, so the validation must not call length() on a null list.
run "explicit_azs" {
  command = plan

  variables {
    azs = ["xx-test-1b", "xx-test-1c"]
  }

  assert {
    condition     = toset(keys(aws_subnet.private)) == toset(["xx-test-1b", "xx-test-1c"])
    error_message = "Subnets follow the AZs given."
  }
}

run "duplicate_azs_rejected" {
  command = plan

  variables {
    azs = ["xx-test-1a", "xx-test-1a"]
  }

  expect_failures = [var.azs]
}
