terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.21"
    }
  }

  # The bootstrap creates the state bucket, so it starts with local state. After the first
  # apply you may move its state into the bucket: add
  #   backend "s3" { use_lockfile = true, encrypt = true }
  # and run `terraform init -migrate-state -backend-config=...` (see README.md).
}
