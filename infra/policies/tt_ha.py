from _common import first, is_prod, truthy, unresolved
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class RdsMultiAzInProd(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="RDS PostgreSQL is Multi-AZ in prod (spec 2 and 5)",
            id="CKV_TT_1",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_db_instance"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["multi_az"]
        prod = is_prod(conf)
        value = first(conf, "multi_az", False)
        if prod is None or unresolved(value):
            return CheckResult.UNKNOWN
        if not prod:
            return CheckResult.PASSED
        return CheckResult.PASSED if truthy(value) else CheckResult.FAILED


class CacheMultiAzInProd(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="ElastiCache is Multi-AZ with automatic failover in prod (spec 2 and 5)",
            id="CKV_TT_2",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_elasticache_replication_group"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["multi_az_enabled", "automatic_failover_enabled"]
        prod = is_prod(conf)
        values = [first(conf, k, False) for k in self.evaluated_keys]
        if prod is None or any(unresolved(v) for v in values):
            return CheckResult.UNKNOWN
        if not prod:
            return CheckResult.PASSED
        return CheckResult.PASSED if all(truthy(v) for v in values) else CheckResult.FAILED


rds_multi_az_in_prod = RdsMultiAzInProd()
cache_multi_az_in_prod = CacheMultiAzInProd()
