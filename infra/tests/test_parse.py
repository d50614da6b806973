"""Every Terraform file under infra/ parses (python-hcl2, the HCL2 grammar in pure Python)."""

import pytest
from tfeval import INFRA, parse, tf_files

FILES = tf_files() + tf_files(suffix=".tftest.hcl") + tf_files(suffix=".tfvars")


def test_there_is_terraform_to_check():
    assert tf_files(), "no .tf files under infra/"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(INFRA)))
def test_file_parses(path):
    doc = parse(path)
    assert isinstance(doc, dict)
