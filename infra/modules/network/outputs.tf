output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability Zones in use, in order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALB, NAT gateways), in AZ order."
  value       = [for az in local.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "IDs of the private (app) subnets: ECS tasks, RDS Proxy, interface endpoints, internal ALB."
  value       = [for az in local.azs : aws_subnet.private[az].id]
}

output "isolated_subnet_ids" {
  description = "IDs of the isolated (data) subnets, without any route to the internet: RDS, ElastiCache."
  value       = [for az in local.azs : aws_subnet.isolated[az].id]
}

output "public_subnets_by_az" {
  description = "Public subnet IDs keyed by AZ name."
  value       = { for az, s in aws_subnet.public : az => s.id }
}

output "private_subnets_by_az" {
  description = "Private subnet IDs keyed by AZ name."
  value       = { for az, s in aws_subnet.private : az => s.id }
}

output "isolated_subnets_by_az" {
  description = "Isolated subnet IDs keyed by AZ name."
  value       = { for az, s in aws_subnet.isolated : az => s.id }
}

output "private_route_table_ids" {
  description = "Private route table IDs keyed by AZ name."
  value       = { for az, rt in aws_route_table.private : az => rt.id }
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways (egress addresses to allow-list at third parties)."
  value       = [for eip in aws_eip.nat : eip.public_ip]
}

output "endpoints_security_group_id" {
  description = "ID of the security group of the interface endpoints (null without interface endpoints)."
  value       = try(aws_security_group.endpoints[0].id, null)
}

output "interface_endpoint_ids" {
  description = "Interface VPC endpoint IDs keyed by service suffix."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}

output "s3_gateway_endpoint_id" {
  description = "ID of the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
