from _common import first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

KEY_ARGUMENT = {
    "aws_db_instance": "kms_key_id",
    "aws_elasticache_replication_group": "kms_key_id",
    "aws_sqs_queue": "kms_master_key_id",
    "aws_cloudwatch_log_group": "kms_key_id",
    "aws_sns_topic": "kms_master_key_id",
    "aws_backup_vault": "kms_key_arn",
}


class CustomerManagedKey(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=(
                "Data at rest and logs are encrypted with a customer-managed KMS key"
                " (spec 4: KMS everywhere, CMKs for data)"
            ),
            id="CKV_TT_8",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=list(KEY_ARGUMENT),
        )

    def scan_resource_conf(self, conf):
        key = KEY_ARGUMENT[self.entity_type]
        self.evaluated_keys = [key]
        value = first(conf, key)
        if not value or (isinstance(value, str) and value.startswith("alias/aws/")):
            return CheckResult.FAILED
        return CheckResult.PASSED


customer_managed_key = CustomerManagedKey()
