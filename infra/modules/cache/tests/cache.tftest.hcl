mock_provider "aws" {}

variables {
  name                = "taskapp-test"
  vpc_id              = "vpc-0123456789abcdef0"
  isolated_subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  kms_key_arn         = "arn:aws:kms:xx-test-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  client_security_group_ids = {
    api = "sg-0000000000000000a"
  }
}

run "valkey_multi_az_encrypted" {
  command = plan

  assert {
    condition     = aws_elasticache_replication_group.this.engine == "valkey"
    error_message = "Valkey is the default engine."
  }

  # ADR 0102: the local servers run the same version (ops/tests/test_parity.py).
  assert {
    condition     = aws_elasticache_replication_group.this.engine_version == "9.1"
    error_message = "Valkey 9.1 is the default engine version."
  }

  assert {
    condition     = aws_elasticache_replication_group.this.automatic_failover_enabled && aws_elasticache_replication_group.this.multi_az_enabled
    error_message = "Two nodes must give automatic failover and Multi-AZ."
  }

  assert {
    condition     = aws_elasticache_replication_group.this.transit_encryption_enabled && tostring(aws_elasticache_replication_group.this.at_rest_encryption_enabled) == "true"
    error_message = "Encryption in transit and at rest is required."
  }

  assert {
    condition     = aws_elasticache_replication_group.this.auth_token_update_strategy == "ROTATE"
    error_message = "auth_token needs an explicit update strategy in provider v6."
  }
}

run "dev_single_node" {
  command = plan

  variables {
    num_cache_clusters = 1
    node_type          = "cache.t4g.micro"
  }

  assert {
    condition     = aws_elasticache_replication_group.this.automatic_failover_enabled == false && aws_elasticache_replication_group.this.multi_az_enabled == false
    error_message = "A single node cannot fail over."
  }
}
