key = "envs/stage/terraform.tfstate"
