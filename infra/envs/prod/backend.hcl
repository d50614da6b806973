key = "envs/prod/terraform.tfstate"
