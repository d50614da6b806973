"""The real Terraform on every root and module: fmt, init, validate, test.

Terraform checks the configuration against the providers' real schemas, served by the
stand-in (infra/tests/provider_standin): argument names, required arguments, block structure,
types, references, and in `terraform test` every assertion. Each negative check below proves
that one class of mistake fails here, for the reason expected.
"""

from __future__ import annotations

import pytest
from terraform import Workspace, roots, scratch_root

# Terraform on the AWS schema takes seconds to minutes per command on two cores.
pytestmark = pytest.mark.timeout(1800)

ROOTS = roots()
TESTED = sorted(name for name, path in ROOTS.items() if (path / "tests").is_dir())


def test_fmt(workspace: Workspace) -> None:
    workspace.run(workspace.root, "fmt", "-check", "-recursive", "-diff").check()


@pytest.mark.parametrize("root", sorted(ROOTS))
def test_validate(workspace: Workspace, root: str) -> None:
    workspace.init_results[root].check()
    workspace.result(f"validate {root}").check()


@pytest.mark.parametrize("root", TESTED)
def test_terraform_test(workspace: Workspace, root: str) -> None:
    workspace.init_results[root].check()
    result = workspace.result(f"test {root}").check()
    assert " 0 failed" in result.output or "Success!" in result.output, result.output


def test_every_module_has_terraform_tests() -> None:
    missing = [
        name for name in ROOTS if name.startswith(("modules/", "envs/")) and name not in TESTED
    ]
    assert not missing, f"no tests/ directory with .tftest.hcl files: {missing}"


# Negative checks: a small root per class of mistake, each must fail for its own reason. -----

VERSIONS = """
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 6.21" }
    random = { source = "hashicorp/random", version = "~> 3.7" }
  }
}
provider "aws" {
  region = "eu-west-1"
}
"""

BROKEN = {
    "unknown_resource_type": (
        'resource "aws_s3_bukket" "this" {\n  bucket = "b"\n}\n',
        "validate",
        'The provider hashicorp/aws does not support resource type "aws_s3_bukket"',
    ),
    "unknown_argument": (
        'resource "aws_s3_bucket" "this" {\n  bucket = "b"\n  bukket = "typo"\n}\n',
        "validate",
        'An argument named "bukket" is not expected here',
    ),
    "bad_reference": (
        'resource "aws_s3_bucket" "this" {\n  bucket = "b"\n}\n'
        'output "arn" {\n  value = aws_lb.this.arn\n}\n',
        "validate",
        'A managed resource "aws_lb" "this" has not been declared',
    ),
    "unknown_attribute": (
        'resource "aws_s3_bucket" "this" {\n  bucket = "b"\n}\n'
        'output "x" {\n  value = aws_s3_bucket.this.no_such_attribute\n}\n',
        "validate",
        'This object has no argument, nested block, or exported attribute named "no_such_attribute"',
    ),
    "wrong_type": (
        'resource "aws_s3_bucket" "this" {\n  bucket = "b"\n  force_destroy = ["yes"]\n}\n',
        "validate",
        "Incorrect attribute value type",
    ),
    "missing_required_argument": (
        'resource "aws_secretsmanager_secret_version" "this" {\n  secret_string = "x"\n}\n',
        "validate",
        'The argument "secret_id" is required',
    ),
    "missing_required_block": (
        'resource "aws_lb_listener" "this" {\n  load_balancer_arn = "arn"\n}\n',
        "validate",
        'At least 1 "default_action" blocks are required',
    ),
    "ephemeral_value_in_ordinary_argument": (
        'ephemeral "random_password" "this" {\n  length = 20\n}\n'
        'resource "aws_secretsmanager_secret_version" "this" {\n'
        '  secret_id     = "x"\n  secret_string = ephemeral.random_password.this.result\n}\n',
        "validate",
        "Ephemeral values are not valid",
    ),
    "unknown_for_each_at_plan": (
        'resource "aws_sns_topic" "this" {\n  name = "t"\n}\n'
        'resource "aws_sns_topic_subscription" "this" {\n'
        "  for_each  = toset([aws_sns_topic.this.arn])\n"
        '  topic_arn = each.value\n  protocol = "email"\n  endpoint = "a@example.com"\n}\n',
        "plan",
        "Invalid for_each argument",
    ),
    "unknown_count_at_plan": (
        'resource "aws_sns_topic" "this" {\n  name = "t"\n}\n'
        'resource "aws_sns_topic_policy" "this" {\n'
        "  count  = aws_sns_topic.this.arn == null ? 0 : 1\n"
        '  arn    = aws_sns_topic.this.arn\n  policy = "{}"\n}\n',
        "plan",
        "Invalid count argument",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_configuration_fails(workspace: Workspace, case: str) -> None:
    body, command, expected = BROKEN[case]
    directory = scratch_root(workspace, case, {"versions.tf": VERSIONS, "main.tf": body})
    workspace.init(directory).check()
    args = (
        ["validate", "-no-color"]
        if command == "validate"
        else ["plan", "-no-color", "-refresh=false"]
    )
    result = workspace.run(directory, *args)
    assert result.returncode != 0, f"{case}: terraform {command} passed on a broken configuration"
    assert expected in " ".join(result.output.split()), result.output


def test_failed_assertion_fails(workspace: Workspace) -> None:
    body = 'resource "aws_s3_bucket" "this" {\n  bucket = "b"\n}\n'
    test = (
        'mock_provider "aws" {}\n'
        'run "bucket_name" {\n  command = plan\n'
        '  assert {\n    condition     = aws_s3_bucket.this.bucket == "c"\n'
        '    error_message = "bucket is not c"\n  }\n}\n'
    )
    directory = scratch_root(
        workspace,
        "failed_assertion",
        {"versions.tf": VERSIONS, "main.tf": body, "tests/a.tftest.hcl": test},
    )
    workspace.init(directory).check()
    result = workspace.run(directory, "test", "-no-color")
    assert result.returncode != 0
    assert "bucket is not c" in result.output, result.output


def test_same_configuration_passes(workspace: Workspace) -> None:
    """The control for the negative checks: a correct root of the same shape plans."""
    body = (
        'resource "aws_sns_topic" "this" {\n  name = "t"\n}\n'
        'resource "aws_sns_topic_subscription" "this" {\n'
        '  for_each  = toset(["a@example.com"])\n'
        '  topic_arn = aws_sns_topic.this.arn\n  protocol = "email"\n  endpoint = each.value\n}\n'
    )
    directory = scratch_root(workspace, "control", {"versions.tf": VERSIONS, "main.tf": body})
    workspace.init(directory).check()
    result = workspace.run(directory, "plan", "-no-color", "-refresh=false").check()
    assert "2 to add" in result.output, result.output
