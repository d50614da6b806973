from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class NoIamUsers(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="No IAM users, access keys or login profiles: roles and OIDC only (spec 4 and 9)",
            id="CKV_TT_7",
            categories=[CheckCategories.IAM],
            supported_resources=[
                "aws_iam_user",
                "aws_iam_access_key",
                "aws_iam_user_login_profile",
                "aws_iam_user_policy",
                "aws_iam_user_policy_attachment",
                "aws_iam_service_specific_credential",
            ],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = []
        return CheckResult.FAILED


no_iam_users = NoIamUsers()
