key = "envs/dev/terraform.tfstate"
