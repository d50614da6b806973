"""checkov over infra/ with our spec policies: 0 failed checks, and our policies bite.

checkov pins many dependencies, so it lives in its own environment (the Makefile provides it):
the test uses $CHECKOV if set, else `checkov` on PATH, and skips with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tfeval import INFRA, REPO

CHECKOV_VERSION = "3.3.30"


def checkov_bin() -> str:
    exe = os.environ.get("CHECKOV") or shutil.which("checkov")
    if not exe:
        pytest.skip(
            f"checkov executable not found (install checkov=={CHECKOV_VERSION} in its own venv; set CHECKOV or PATH)"
        )
    return exe


def run_checkov(args: list[str], cwd: Path) -> list[dict]:
    proc = subprocess.run(
        [checkov_bin(), *args, "-o", "json"],
        check=False,  # checkov exits 1 when a check fails; the JSON report is what is read
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"},
    )
    out = proc.stdout.strip()
    assert out.startswith(("{", "[")), (
        f"checkov produced no JSON (rc={proc.returncode}):\n{proc.stderr[-3000:]}"
    )
    data = json.loads(out)
    return data if isinstance(data, list) else [data]


def test_checkov_passes_with_spec_policies():
    reports = run_checkov(["--config-file", str(INFRA / ".checkov.yaml")], REPO)
    failed = [c for r in reports for c in r["results"].get("failed_checks", [])]
    passed = [c for r in reports for c in r["results"].get("passed_checks", [])]
    parse_errors = [e for r in reports for e in r["results"].get("parsing_errors", [])]
    assert not parse_errors, f"checkov could not parse: {parse_errors}"
    ours = {c["check_id"] for c in passed if "_TT_" in c["check_id"]}
    assert {"CKV_TT_3", "CKV_TT_8", "CKV2_TT_1"} <= ours, (
        f"spec policies did not run (ran: {sorted(ours)})"
    )
    summary = "\n".join(
        f"{c['check_id']} {c['resource']} {c['file_path']}:{c['file_line_range'][0]} {c['check_name']}"
        for c in failed
    )
    assert not failed, f"{len(failed)} failed checkov checks:\n{summary}"


BAD = r"""
resource "aws_db_instance" "db" {
  identifier        = "tasktracker-prod-db"
  instance_class    = "db.t4g.micro"
  multi_az          = false
  storage_encrypted = true
}
resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "tasktracker-prod-cache"
  description                = "cache"
  multi_az_enabled           = false
  automatic_failover_enabled = false
}
resource "aws_vpc_security_group_ingress_rule" "open" {
  security_group_id = "sg-12345678"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}
resource "aws_ecs_service" "api" {
  name = "api"
  network_configuration {
    subnets          = ["subnet-1"]
    assign_public_ip = true
  }
}
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  viewer_certificate {
    cloudfront_default_certificate = true
    minimum_protocol_version       = "TLSv1"
  }
}
resource "aws_db_proxy" "proxy" {
  name        = "proxy"
  require_tls = false
}
resource "aws_iam_user" "ci" { name = "ci" }
resource "aws_sqs_queue" "q" { name = "q" }
resource "aws_s3_bucket" "b" { bucket = "tasktracker-prod-open" }
resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = jsonencode([{ name = "app", image = "x", readonlyRootFilesystem = false }])
}
"""


def test_spec_policies_bite(tmp_path):
    (tmp_path / "main.tf").write_text(BAD)
    reports = run_checkov(
        [
            "-d",
            str(tmp_path),
            "--framework",
            "terraform",
            "--external-checks-dir",
            str(INFRA / "policies"),
            "--skip-download",
            "--check",
            "CKV_TT_1,CKV_TT_2,CKV_TT_3,CKV_TT_4,CKV_TT_5,CKV_TT_6,CKV_TT_7,CKV_TT_8,CKV_TT_9,CKV2_TT_1",
        ],
        tmp_path,
    )
    failed = {c["check_id"] for r in reports for c in r["results"].get("failed_checks", [])}
    expected = {f"CKV_TT_{i}" for i in range(1, 10)} | {"CKV2_TT_1"}
    assert expected <= failed, f"policies that did not fire: {sorted(expected - failed)}"
