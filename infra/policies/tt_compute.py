import json

from _common import first, unresolved
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class ReadOnlyRootFilesystem(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="ECS containers run with a read-only root filesystem (issue 3: compute)",
            id="CKV_TT_9",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["container_definitions"]
        value = conf.get("container_definitions")
        # In a plan checkov has already parsed the JSON into the list of containers; in HCL the
        # argument is wrapped in a list: [value].
        if not (isinstance(value, list) and value and all(isinstance(c, dict) for c in value)):
            value = first(conf, "container_definitions")
        if isinstance(value, str):
            if unresolved(value):
                return CheckResult.UNKNOWN
            try:
                value = json.loads(value)
            except ValueError:
                return CheckResult.UNKNOWN
        if not isinstance(value, list) or not value:
            return CheckResult.UNKNOWN
        if not all(isinstance(c, dict) for c in value):
            return CheckResult.UNKNOWN  # a container definition checkov could not evaluate
        for container in value:
            flag = container.get("readonlyRootFilesystem")
            if unresolved(flag):
                return CheckResult.UNKNOWN
            if flag is not True and str(flag).lower() != "true":
                return CheckResult.FAILED
        return CheckResult.PASSED


read_only_root_filesystem = ReadOnlyRootFilesystem()
