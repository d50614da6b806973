terraform {
  # S3 native state locking (`use_lockfile`) is generally available from 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.21"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # Partial configuration: `terraform init -backend-config=backend.hcl
  # -backend-config="bucket=<bootstrap output state_bucket_name>" -backend-config="region=<region>"`.
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
