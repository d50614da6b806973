import re

from _common import first, truthy, unresolved
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

MODERN_TLS = re.compile(r"^TLSv1\.[23]_20(2[1-9]|[3-9]\d)$")


class CloudFrontHttpsWaf(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=(
                "CloudFront: TLSv1.2_2021 or newer, HTTPS-only viewers, WAF web ACL attached"
                " (spec 4 and 10)"
            ),
            id="CKV_TT_5",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_cloudfront_distribution"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = [
            "viewer_certificate/[0]/minimum_protocol_version",
            "web_acl_id",
            "default_cache_behavior/[0]/viewer_protocol_policy",
        ]
        vc = first(conf, "viewer_certificate") or {}
        version = first(vc, "minimum_protocol_version")
        if unresolved(version):
            return CheckResult.UNKNOWN
        if not (isinstance(version, str) and MODERN_TLS.match(version)):
            return CheckResult.FAILED
        behaviours = list(conf.get("default_cache_behavior") or []) + list(
            conf.get("ordered_cache_behavior") or []
        )
        for beh in behaviours:
            if not isinstance(beh, dict):
                continue
            policy = first(beh, "viewer_protocol_policy")
            if not unresolved(policy) and policy not in ("redirect-to-https", "https-only"):
                return CheckResult.FAILED
        return CheckResult.PASSED if first(conf, "web_acl_id") else CheckResult.FAILED


class RdsProxyRequiresTls(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="RDS Proxy requires TLS (spec 2: TLS in transit)",
            id="CKV_TT_6",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_db_proxy"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["require_tls"]
        value = first(conf, "require_tls", False)
        if unresolved(value):
            return CheckResult.UNKNOWN
        return CheckResult.PASSED if truthy(value) else CheckResult.FAILED


cloudfront_https_waf = CloudFrontHttpsWaf()
rds_proxy_requires_tls = RdsProxyRequiresTls()
