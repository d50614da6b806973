"""The deploy tool against a real AWS emulator (moto server on 127.0.0.1).

Each test builds, in moto, what Terraform creates for one environment (VPC subnets and security
group, ECS cluster, API and worker task definitions and services, ECR repository with a pushed
tag, site bucket, CloudFront distribution, the SSM deploy manifest) under its own name, then runs
the tool. Docker is not available here: the tests deploy a tag already in ECR, the path the
tool takes for rollbacks and for re-runs (`build_and_push` is the only untested step).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from taskapp_ops.deploy import (
    IMMUTABLE_CACHE,
    NO_CACHE,
    Clients,
    main,
    migration_failure,
)
from taskapp_ops.services import AwsEmulator

REGION = "eu-west-1"
TAG = "0123456789abcdef0123456789abcdef01234567"
RUNNING = 2  # moto reports this many running tasks for every service (MOTO_ECS_SERVICE_RUNNING)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def aws_url() -> Iterator[str]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with tempfile.TemporaryDirectory(prefix="deploy-test-") as root:
        emulator = AwsEmulator(Path(root))
        previous = os.environ.get("MOTO_ECS_SERVICE_RUNNING")
        os.environ["MOTO_ECS_SERVICE_RUNNING"] = str(RUNNING)  # read by the moto child
        try:
            emulator.start()
        finally:
            if previous is None:
                del os.environ["MOTO_ECS_SERVICE_RUNNING"]
            else:
                os.environ["MOTO_ECS_SERVICE_RUNNING"] = previous
        try:
            yield emulator.url
        finally:
            emulator.stop()


def client(url: str, service: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass
class Env:
    """One environment as Terraform leaves it, and the clients the tool gets."""

    project: str
    name: str
    clients: Clients
    api_v1: dict[str, Any]
    worker_v1: dict[str, Any]
    subnets: list[str]
    security_group: str
    distribution_id: str
    bucket: str
    repository_url: str
    puts: list[str]

    def service_task_definitions(self) -> dict[str, str]:
        services = self.clients.ecs.describe_services(
            cluster=self.name, services=[f"{self.name}-api", f"{self.name}-worker"]
        )["services"]
        return {s["serviceName"]: s["taskDefinition"] for s in services}

    def put_manifest(self, **overrides: Any) -> None:
        manifest: dict[str, Any] = {
            "environment": "dev",
            "region": REGION,
            "ecr_repository_url": self.repository_url,
            "cluster_name": self.name,
            "api_service_name": f"{self.name}-api",
            "worker_service_name": f"{self.name}-worker",
            "api_task_definition_family": f"{self.name}-api",
            "worker_task_definition_family": f"{self.name}-worker",
            "app_container_name": "app",
            "deployment_strategy": "ROLLING",
            "migration": {
                "cluster": self.name,
                "task_definition_family": f"{self.name}-api",
                "container_name": "app",
                "command": ["alembic", "upgrade", "head"],
                "subnet_ids": self.subnets,
                "security_group_ids": [self.security_group],
                "assign_public_ip": False,
                "capacity_provider": "FARGATE",
                "log_group_name": f"/ecs/{self.name}/api",
                "log_stream_prefix": "api",
            },
            "site_bucket_name": self.bucket,
            "cloudfront_distribution_id": self.distribution_id,
        }
        manifest.update(overrides)
        self.clients.ssm.put_parameter(
            Name=f"/{self.name}/deploy/manifest",
            Type="String",
            Value=json.dumps(manifest),
            Overwrite=True,
        )


def task_definition(name: str, role: str, image: str) -> dict[str, Any]:
    containers: list[dict[str, Any]] = [
        {
            "name": "app",
            "image": image,
            "essential": True,
            # Terraform sets no container memory on the app; moto's RunTask needs one per container.
            "memoryReservation": 256,
            "command": ["taskapp-api"] if role == "api" else ["taskapp-worker"],
            "readonlyRootFilesystem": True,
            "environment": [{"name": "APP_ENVIRONMENT", "value": "dev"}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": f"/ecs/{name}/{role}",
                    "awslogs-region": REGION,
                    "awslogs-stream-prefix": role,
                },
            },
        },
        {
            "name": "adot",
            "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.0",
            "essential": False,
            "cpu": 64,
            "memoryReservation": 128,
        },
    ]
    return {
        "family": f"{name}-{role}",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": f"arn:aws:iam::123456789012:role/{name}-task-exec",
        "taskRoleArn": f"arn:aws:iam::123456789012:role/{name}-{role}-task",
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        "volumes": [{"name": "tmp"}],
        "containerDefinitions": containers,
    }


@pytest.fixture
def env(aws_url: str) -> Env:
    project = f"t{next(_names)}"
    name = f"{project}-dev"
    clients = Clients(
        ssm=client(aws_url, "ssm"),
        ecr=client(aws_url, "ecr"),
        ecs=client(aws_url, "ecs"),
        s3=client(aws_url, "s3"),
        cloudfront=client(aws_url, "cloudfront"),
    )
    puts: list[str] = []
    clients.s3.meta.events.register(
        "before-parameter-build.s3.PutObject", lambda params, **_: puts.append(params["Key"])
    )
    ec2 = client(aws_url, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    # As the network module does; moto's awsvpc RunTask also needs it (ENI private DNS name).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"]
        for i in (1, 2)
    ]
    security_group = ec2.create_security_group(
        GroupName=f"{name}-api", Description="api", VpcId=vpc
    )["GroupId"]

    repository = clients.ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")[
        "repository"
    ]
    image_manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": 1, "digest": "sha256:" + "0" * 64},
        "layers": [],
    }  # fmt: skip
    for tag in ("initial", TAG):
        clients.ecr.put_image(
            repositoryName=name, imageManifest=json.dumps(image_manifest), imageTag=tag
        )
    initial_image = f"{repository['repositoryUri']}:initial"

    ecs = clients.ecs
    ecs.create_cluster(
        clusterName=name,
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    versions = {}
    for role in ("api", "worker"):
        arn = ecs.register_task_definition(**task_definition(name, role, initial_image))[
            "taskDefinition"
        ]["taskDefinitionArn"]
        versions[role] = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        ecs.create_service(
            cluster=name,
            serviceName=f"{name}-{role}",
            taskDefinition=arn,
            desiredCount=RUNNING,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": subnets,
                    "securityGroups": [security_group],
                    "assignPublicIp": "DISABLED",
                }
            },
        )

    bucket = f"{name}-site-123456789012"
    clients.s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    distribution = clients.cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": name,
            "Comment": name,
            "Enabled": True,
            "DefaultRootObject": "index.html",
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]["Id"]

    environment = Env(
        project=project,
        name=name,
        clients=clients,
        api_v1=versions["api"],
        worker_v1=versions["worker"],
        subnets=subnets,
        security_group=security_group,
        distribution_id=distribution,
        bucket=bucket,
        repository_url=repository["repositoryUri"],
        puts=puts,
    )
    environment.put_manifest()
    return environment


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><script src="/assets/index-abc123.js">')
    (root / "assets" / "index-abc123.js").write_text("console.log(1)")
    (root / "assets" / "index-def456.css").write_text("body{}")
    (root / "favicon.svg").write_text("<svg/>")
    return root


def args(env: Env, *extra: str) -> list[str]:
    return [
        "--env", "dev", "--project", env.project, "--region", REGION,
        "--image-tag", TAG, "--skip-build", "--poll-seconds", "1", *extra,
    ]  # fmt: skip


def without_image(task_def: dict[str, Any]) -> dict[str, Any]:
    volatile = {"taskDefinitionArn", "revision", "registeredAt", "registeredBy", "status"}
    copy = {k: v for k, v in task_def.items() if k not in volatile}
    copy["containerDefinitions"] = [
        {k: v for k, v in c.items() if c["name"] != "app" or k != "image"}
        for c in task_def["containerDefinitions"]
    ]
    return copy


def test_release_registers_migrates_updates_services_and_publishes_the_site(
    env: Env, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args(env), "--dist", str(dist)], clients=env.clients) == 0
    ecs = env.clients.ecs
    image = f"{env.repository_url}:{TAG}"

    # New revisions: only the app container's image differs from the previous revision.
    new = {}
    for role, old in (("api", env.api_v1), ("worker", env.worker_v1)):
        td = ecs.describe_task_definition(taskDefinition=f"{env.name}-{role}")["taskDefinition"]
        assert td["revision"] == old["revision"] + 1
        app, adot = td["containerDefinitions"]
        assert app["image"] == image
        assert adot["image"] == old["containerDefinitions"][1]["image"]
        assert without_image(td) == without_image(old)
        new[role] = td["taskDefinitionArn"]

    # The services run the new revisions.
    assert env.service_task_definitions() == {
        f"{env.name}-api": new["api"],
        f"{env.name}-worker": new["worker"],
    }

    # One migration task: new API revision, alembic command override, private networking.
    task_arns = ecs.list_tasks(cluster=env.name, startedBy="taskapp-deploy")["taskArns"]
    assert len(task_arns) == 1
    task = ecs.describe_tasks(cluster=env.name, tasks=task_arns)["tasks"][0]
    assert task["taskDefinitionArn"] == new["api"]
    assert task["lastStatus"] == "STOPPED"
    assert task["overrides"]["containerOverrides"] == [
        {"name": "app", "command": ["alembic", "upgrade", "head"]}
    ]
    subnet_detail = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    assert subnet_detail["subnetId"] == env.subnets[0]

    # Site objects: cache headers and types; hashed assets before index.html, which is last.
    s3 = env.clients.s3
    heads = {key: s3.head_object(Bucket=env.bucket, Key=key) for key in env.puts}
    assert heads["assets/index-abc123.js"]["CacheControl"] == IMMUTABLE_CACHE
    assert heads["assets/index-abc123.js"]["ContentType"] == "text/javascript; charset=utf-8"
    assert heads["assets/index-def456.css"]["CacheControl"] == IMMUTABLE_CACHE
    assert heads["assets/index-def456.css"]["ContentType"] == "text/css; charset=utf-8"
    assert heads["index.html"]["CacheControl"] == NO_CACHE
    assert heads["index.html"]["ContentType"] == "text/html; charset=utf-8"
    assert heads["favicon.svg"]["CacheControl"] == NO_CACHE
    assert heads["favicon.svg"]["ContentType"] == "image/svg+xml"
    assert env.puts[-1] == "index.html"
    assert set(env.puts[:2]) == {"assets/index-abc123.js", "assets/index-def456.css"}

    # The invalidation covers index.html and the root.
    invalidations = env.clients.cloudfront.list_invalidations(DistributionId=env.distribution_id)
    items = invalidations["InvalidationList"]["Items"]
    assert len(items) == 1
    batch = env.clients.cloudfront.get_invalidation(
        DistributionId=env.distribution_id, Id=items[0]["Id"]
    )["Invalidation"]["InvalidationBatch"]
    assert sorted(batch["Paths"]["Items"]) == ["/", "/index.html"]

    out = capsys.readouterr().out
    assert TAG in out and new["api"] in out and task_arns[0] in out and items[0]["Id"] in out


def test_second_release_keeps_the_previous_assets(env: Env, dist: Path) -> None:
    assert main([*args(env, "--dist", str(dist))], clients=env.clients) == 0
    (dist / "assets" / "index-abc123.js").unlink()
    (dist / "assets" / "index-new789.js").write_text("console.log(2)")
    assert main([*args(env, "--dist", str(dist))], clients=env.clients) == 0
    keys = {o["Key"] for o in env.clients.s3.list_objects_v2(Bucket=env.bucket).get("Contents", [])}
    assert {"assets/index-abc123.js", "assets/index-new789.js", "index.html"} <= keys


def test_migration_decision_needs_exit_code_zero_of_the_app_container() -> None:
    # moto always reports exitCode 0 for a stopped task, so the failure branch is checked on
    # DescribeTasks-shaped data (the decision the tool takes after the task stopped).
    def stopped(**app: Any) -> dict[str, Any]:
        return {
            "lastStatus": "STOPPED",
            "stoppedReason": "Essential container in task exited",
            "containers": [{"name": "adot", "exitCode": 0}, {"name": "app", **app}],
        }

    assert migration_failure(stopped(exitCode=0), "app") is None
    assert "exited with code 1" in (migration_failure(stopped(exitCode=1), "app") or "")
    no_exit = migration_failure(stopped(reason="CannotPullContainerError: not found"), "app")
    assert no_exit and "CannotPullContainerError" in no_exit
    assert migration_failure({"containers": [], "stoppedReason": "x"}, "app")


def test_migration_that_cannot_run_stops_the_release_before_the_services(
    env: Env, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real failure from the emulator: the migration's subnet does not exist.
    env.put_manifest(
        migration={
            "cluster": env.name,
            "task_definition_family": f"{env.name}-api",
            "container_name": "app",
            "command": ["alembic", "upgrade", "head"],
            "subnet_ids": ["subnet-00000000000000000"],
            "security_group_ids": [env.security_group],
        }
    )
    before = env.service_task_definitions()

    assert main([*args(env, "--dist", str(dist))], clients=env.clients) == 1

    assert env.service_task_definitions() == before
    assert env.puts == []
    assert (
        env.clients.cloudfront.list_invalidations(DistributionId=env.distribution_id)[
            "InvalidationList"
        ].get("Items", [])
        == []
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "deploy: error: the migration task did not start, services unchanged: RunTask: "
        "InvalidSubnetID.NotFound: The subnet ID 'subnet-00000000000000000' does not exist"
    )
    assert "Traceback" not in "\n".join(err)


def test_services_that_do_not_become_stable_fail_the_release(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    # moto reports MOTO_ECS_SERVICE_RUNNING tasks for a new service: one that wants more never
    # becomes stable (an update of desiredCount would set runningCount to match).
    big = f"{env.name}-worker-big"
    env.clients.ecs.create_service(
        cluster=env.name, serviceName=big, taskDefinition=env.worker_v1["taskDefinitionArn"],
        desiredCount=RUNNING + 1, launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": env.subnets,
                                                 "securityGroups": [env.security_group]}},
    )  # fmt: skip
    env.put_manifest(worker_service_name=big)
    code = main([*args(env, "--skip-frontend", "--stable-timeout", "2")], clients=env.clients)
    err = capsys.readouterr().err
    assert code == 1
    assert "not stable within 2s" in err
    assert "Traceback" not in err


def test_unknown_tag_with_skip_build_is_refused_before_any_change(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a if a != TAG else "not-pushed" for a in args(env, "--skip-frontend")]
    assert main(argv, clients=env.clients) == 2
    assert "is not in ECR" in capsys.readouterr().err
    td = env.clients.ecs.describe_task_definition(taskDefinition=f"{env.name}-api")
    assert td["taskDefinition"]["revision"] == env.api_v1["revision"]


def cli(aws_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "AWS_ENDPOINT_URL": aws_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    return subprocess.run(
        [sys.executable, "-m", "taskapp_ops.deploy", *argv],
        env=environ, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_cli_rolls_back_to_an_existing_tag_without_migrations(aws_url: str, env: Env) -> None:
    # An older image's alembic does not know the newer schema revision: rollbacks skip it.
    result = cli(aws_url, *args(env, "--skip-frontend", "--skip-migrations"))
    assert result.returncode == 0, result.stderr
    assert f"deployed {env.name} {TAG}" in result.stdout
    services = env.service_task_definitions()
    assert all(arn.endswith(":2") for arn in services.values())
    assert (
        env.clients.ecs.list_tasks(cluster=env.name, startedBy="taskapp-deploy")["taskArns"] == []
    )


def test_cli_missing_manifest_is_one_line_and_exit_code_2(aws_url: str) -> None:
    result = cli(aws_url, "--env", "nowhere", "--region", REGION, "--skip-frontend")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "deploy: error: deploy manifest /taskapp-nowhere/deploy/manifest not found: has the "
        "nowhere environment been applied (infra/envs), and is --project/--env/--region right?"
    ]


def test_failed_invalidation_says_the_release_itself_went_out(
    env: Env, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # E.g. before the bootstrap's second apply grants cloudfront:CreateInvalidation (ADR 0038).
    env.put_manifest(cloudfront_distribution_id="EDOESNOTEXIST1")
    assert main([*args(env, "--dist", str(dist))], clients=env.clients) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        f"deploy: error: released {TAG} (services and site updated), but invalidating "
        "/index.html failed: CreateInvalidation: NoSuchDistribution"
    )
    assert env.puts[-1] == "index.html"
    assert all(arn.endswith(":2") for arn in env.service_task_definitions().values())


def test_migrations_run_a_new_revision_of_their_own_family(env: Env, dist: Path) -> None:
    """ADR 0056: the migration family (the only one with the master credentials) gets a new
    revision with the release's image, and the one-off task runs that, not the API revision."""
    ecs = env.clients.ecs
    migrate = task_definition(env.name, "api", "old-image")
    migrate["family"] = f"{env.name}-migrate"
    migrate["containerDefinitions"] = migrate["containerDefinitions"][:1]
    migrate["containerDefinitions"][0]["command"] = ["alembic", "upgrade", "head"]
    migrate.pop("taskRoleArn")
    first = ecs.register_task_definition(**migrate)["taskDefinition"]
    env.put_manifest(
        migration={
            "cluster": env.name,
            "task_definition_family": f"{env.name}-migrate",
            "container_name": "app",
            "command": ["alembic", "upgrade", "head"],
            "subnet_ids": env.subnets,
            "security_group_ids": [env.security_group],
        }
    )

    assert main([*args(env, "--dist", str(dist))], clients=env.clients) == 0

    td = ecs.describe_task_definition(taskDefinition=f"{env.name}-migrate")["taskDefinition"]
    assert td["revision"] == first["revision"] + 1
    assert td["containerDefinitions"][0]["image"] == f"{env.repository_url}:{TAG}"
    assert "taskRoleArn" not in td
    task_arns = ecs.list_tasks(cluster=env.name, startedBy="taskapp-deploy")["taskArns"]
    tasks = ecs.describe_tasks(cluster=env.name, tasks=task_arns)["tasks"]
    assert [t["taskDefinitionArn"] for t in tasks] == [td["taskDefinitionArn"]]
