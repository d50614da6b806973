from _common import first, truthy, unresolved
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

OPEN = {"0.0.0.0/0", "::/0"}


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class NoInternetIngress(BaseResourceCheck):
    """Only the ALB takes internet traffic, and only through CloudFront: its security group
    admits CloudFront's origin-facing managed prefix list, so no rule anywhere needs 0.0.0.0/0."""

    def __init__(self) -> None:
        super().__init__(
            name=(
                "No security group ingress from 0.0.0.0/0 or ::/0"
                " (ALB admits only CloudFront's prefix list)"
            ),
            id="CKV_TT_3",
            categories=[CheckCategories.NETWORKING],
            supported_resources=[
                "aws_vpc_security_group_ingress_rule",
                "aws_security_group_rule",
                "aws_security_group",
            ],
        )

    def scan_resource_conf(self, conf):
        cidrs = []
        if self.entity_type == "aws_vpc_security_group_ingress_rule":
            self.evaluated_keys = ["cidr_ipv4", "cidr_ipv6"]
            cidrs = [first(conf, "cidr_ipv4"), first(conf, "cidr_ipv6")]
        elif self.entity_type == "aws_security_group_rule":
            self.evaluated_keys = ["cidr_blocks", "ipv6_cidr_blocks"]
            if first(conf, "type") != "ingress":
                return CheckResult.PASSED
            cidrs = _as_list(first(conf, "cidr_blocks")) + _as_list(first(conf, "ipv6_cidr_blocks"))
        else:
            self.evaluated_keys = ["ingress"]
            for ingress in _as_list(conf.get("ingress")):
                for rule in _as_list(ingress):
                    if isinstance(rule, dict):
                        cidrs += _as_list(first(rule, "cidr_blocks")) + _as_list(
                            first(rule, "ipv6_cidr_blocks")
                        )
        flat = []
        for c in cidrs:
            flat += _as_list(c)
        return CheckResult.FAILED if any(c in OPEN for c in flat) else CheckResult.PASSED


class EcsNoPublicIp(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="ECS services run in private subnets without a public IP (spec 10)",
            id="CKV_TT_4",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_ecs_service"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["network_configuration/[0]/assign_public_ip"]
        ncs = _as_list(conf.get("network_configuration"))
        if not ncs:
            return CheckResult.FAILED
        for nc in ncs:
            value = first(nc, "assign_public_ip", False) if isinstance(nc, dict) else False
            if unresolved(value):
                return CheckResult.UNKNOWN
            if truthy(value):
                return CheckResult.FAILED
        return CheckResult.PASSED


no_internet_ingress = NoInternetIngress()
ecs_no_public_ip = EcsNoPublicIp()
