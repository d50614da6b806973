"""Release the app to an environment (ADR 0006, 0031, 0032, 0036).

    python -m taskapp_ops.deploy --env dev [--image-tag TAG] [--skip-build] [--skip-frontend]
                                 [--skip-migrations] [--region R] [--project taskapp]

Order: read the deploy manifest (SSM) -> image (build, scan with trivy and push, or check an
existing tag; an image with CRITICAL vulnerabilities that .trivyignore does not list is never
pushed) ->
register new API and worker task definition revisions (only the app image changes) -> run the
migrations as a one-off Fargate task (a new revision of the migration family, ADR 0056; or of
the new API revision when the manifest names the API family) and require exit code 0 -> point
the services at the new revisions and wait until they are stable -> publish the frontend
(content-hashed assets first, index.html last, nothing deleted) -> invalidate /index.html.

It uses only what the bootstrap's deploy role may do. Any failure is one line on stderr and a
non-zero exit: 2 for configuration (arguments, manifest, build output), 1 for a failed release.
"""

from __future__ import annotations

import argparse
import base64
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ROOT = Path(__file__).resolve().parents[3]

# Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not take.
READ_ONLY_TASK_DEFINITION_FIELDS = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
        "deregisteredAt",
    }
)
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}
AWS_CONFIG = Config(
    connect_timeout=10,
    read_timeout=60,
    retries={"max_attempts": 5, "mode": "standard"},
)

# The release gate (docs/runbooks/vulnerability-gate.md): trivy exits with this code when the
# image has a CRITICAL vulnerability that the allow-list does not name; any other non-zero code
# is trivy's own failure. Either way the image is not pushed.
TRIVY_IGNORE = ROOT / ".trivyignore"
SCAN_FINDINGS_EXIT = 4
IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")  # Docker/ECR tag syntax
Client = Any  # boto3 clients; the repository installs stubs for s3/sqs/secretsmanager only.
Log = Callable[[str], None]


class DeployError(Exception):
    """A release step failed; the message is shown as is."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class ConfigError(DeployError):
    """Wrong arguments, manifest or build output: nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


@dataclass(frozen=True)
class Migration:
    cluster: str
    task_definition_family: str
    container_name: str
    command: list[str]
    subnet_ids: list[str]
    security_group_ids: list[str]
    assign_public_ip: bool
    capacity_provider: str
    log_group_name: str = ""
    log_stream_prefix: str = ""


@dataclass(frozen=True)
class Manifest:
    """The deploy manifest Terraform publishes at /<project>-<env>/deploy/manifest."""

    ecr_repository_url: str
    cluster_name: str
    api_service_name: str
    worker_service_name: str
    api_task_definition_family: str
    worker_task_definition_family: str
    app_container_name: str
    migration: Migration
    site_bucket_name: str
    cloudfront_distribution_id: str

    @classmethod
    def parse(cls, text: str, name: str) -> Manifest:
        try:
            data = json.loads(text)
            mig = data["migration"]
            migration = Migration(
                cluster=str(mig["cluster"]),
                task_definition_family=str(mig["task_definition_family"]),
                container_name=str(mig["container_name"]),
                command=[str(part) for part in mig["command"]],
                subnet_ids=[str(s) for s in mig["subnet_ids"]],
                security_group_ids=[str(s) for s in mig["security_group_ids"]],
                assign_public_ip=bool(mig.get("assign_public_ip", False)),
                capacity_provider=str(mig.get("capacity_provider") or "FARGATE"),
                log_group_name=str(mig.get("log_group_name") or ""),
                log_stream_prefix=str(mig.get("log_stream_prefix") or ""),
            )
            manifest = cls(
                migration=migration,
                **{
                    key: str(data[key])
                    for key in (
                        "ecr_repository_url",
                        "cluster_name",
                        "api_service_name",
                        "worker_service_name",
                        "api_task_definition_family",
                        "worker_task_definition_family",
                        "app_container_name",
                        "site_bucket_name",
                    )
                },
                cloudfront_distribution_id=str(data.get("cloudfront_distribution_id") or ""),
            )
        except (ValueError, TypeError, KeyError) as exc:
            detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ConfigError(f"deploy manifest {name} is not valid: {detail}") from None
        if migration.task_definition_family == manifest.worker_task_definition_family:
            raise ConfigError(
                f"deploy manifest {name}: migrations must not run the worker family "
                f"{migration.task_definition_family}"
            )
        return manifest


@dataclass
class Clients:
    ssm: Client
    ecr: Client
    ecs: Client
    s3: Client
    cloudfront: Client

    @classmethod
    def create(cls, region: str | None) -> Clients:
        session = boto3.session.Session(region_name=region)
        if session.region_name is None:
            raise ConfigError("no AWS Region: pass --region or set AWS_REGION")

        def make(service: str) -> Client:
            return session.client(service, config=AWS_CONFIG)  # type: ignore[call-overload]

        return cls(make("ssm"), make("ecr"), make("ecs"), make("s3"), make("cloudfront"))


@dataclass
class Options:
    env: str
    project: str = "taskapp"
    image_tag: str | None = None
    skip_build: bool = False
    skip_frontend: bool = False
    skip_migrations: bool = False
    dist: Path = ROOT / "frontend" / "dist"
    poll_seconds: int = 15
    migration_timeout: int = 1800
    stable_timeout: int = 1800


@dataclass
class Summary:
    tag: str = ""
    image: str = ""
    api_task_definition: str = ""
    worker_task_definition: str = ""
    migration_task: str = ""
    uploaded: list[str] = field(default_factory=list)
    invalidation_id: str = ""

    def lines(self) -> list[str]:
        return [
            f"image:                {self.image}",
            f"api task definition:  {self.api_task_definition}",
            f"worker task def.:     {self.worker_task_definition}",
            f"migration task:       {self.migration_task}",
            f"frontend objects:     {len(self.uploaded) or 'skipped'}",
            f"invalidation:         {self.invalidation_id or 'none'}",
        ]


# --- 1. manifest --------------------------------------------------------------------------


def manifest_parameter(project: str, env: str) -> str:
    return f"/{project}-{env}/deploy/manifest"


def load_manifest(ssm: Client, project: str, env: str) -> Manifest:
    name = manifest_parameter(project, env)
    try:
        response = ssm.get_parameter(Name=name)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ParameterNotFound":
            raise ConfigError(
                f"deploy manifest {name} not found: has the {env} environment been applied "
                "(infra/envs), and is --project/--env/--region right?"
            ) from None
        raise
    return Manifest.parse(str(response["Parameter"]["Value"]), name)


# --- 2. image ---------------------------------------------------------------------------------


def git_sha(root: Path = ROOT) -> str:
    def git(*args: str) -> str:
        result = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607 - git from PATH, as every developer tool
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if result.returncode != 0:
            raise ConfigError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    if git("status", "--porcelain", "--untracked-files=no"):
        raise ConfigError("the working tree has uncommitted changes: commit, or pass --image-tag")
    return git("rev-parse", "HEAD")


def image_exists(ecr: Client, repository_url: str, tag: str) -> bool:
    repository = repository_url.split("/", 1)[1]
    try:
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ImageNotFoundException":
            return False
        raise
    return True


def trivy_binary() -> str:
    path = os.environ.get("TRIVY") or shutil.which("trivy")
    if not path:
        raise ConfigError(
            "trivy is not installed: every image is scanned for CRITICAL vulnerabilities before "
            "it is pushed (install it: https://trivy.dev/latest/getting-started/installation/, "
            "or set TRIVY to the binary)"
        )
    return path


def scan_command(trivy: str, image: str) -> list[str]:
    """The same scan as ci.yml's image job, with its own exit code for findings."""
    return [
        trivy, "image", "--scanners", "vuln", "--severity", "CRITICAL",
        "--exit-code", str(SCAN_FINDINGS_EXIT), "--ignorefile", str(TRIVY_IGNORE),
        "--no-progress", image,
    ]  # fmt: skip


def scan_image(trivy: str, image: str, log: Log) -> None:
    """Refuse an image with CRITICAL vulnerabilities unless .trivyignore lists each one."""
    log(f"trivy image {image}: CRITICAL vulnerabilities not in .trivyignore stop the release")
    result = subprocess.run(  # noqa: S603
        scan_command(trivy, image), cwd=ROOT, check=False, timeout=1800
    )
    if result.returncode == SCAN_FINDINGS_EXIT:
        raise DeployError(
            f"image {image} has CRITICAL vulnerabilities (trivy's table above) and was not "
            "pushed: rebuild it on patched packages, or list each one in .trivyignore with the "
            "reason it does not apply (docs/runbooks/vulnerability-gate.md)"
        )
    if result.returncode != 0:
        raise DeployError(f"trivy failed (exit {result.returncode}); the image was not pushed")


def build_and_push(ecr: Client, image: str, tag: str, platform: str, log: Log) -> None:
    """docker login/build, trivy scan, docker push. Only the scan is exercised by the tests (no
    Docker engine there)."""
    trivy = trivy_binary()  # before anything is built
    token = ecr.get_authorization_token()["authorizationData"][0]
    user, password = base64.b64decode(token["authorizationToken"]).decode().split(":", 1)
    registry = image.split("/", 1)[0]

    def docker(*args: str, stdin: str | None = None) -> None:
        log(f"docker {args[0]} ...")
        result = subprocess.run(  # noqa: S603
            ["docker", *args],  # noqa: S607
            cwd=ROOT,
            input=stdin,
            text=True,
            check=False,
            timeout=3600,
        )
        if result.returncode != 0:
            raise DeployError(f"docker {args[0]} failed (exit {result.returncode})")

    docker("login", "--username", user, "--password-stdin", registry, stdin=password)
    docker(
        "build", "--file", "backend/Dockerfile", "--platform", platform,
        "--build-arg", f"GIT_SHA={tag}",
        "--build-arg", f"BUILD_TIME={datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "--tag", image, ".",
    )  # fmt: skip
    scan_image(trivy, image, log)
    docker("push", image)


def docker_platform(task_definition: dict[str, Any]) -> str:
    arch = task_definition.get("runtimePlatform", {}).get("cpuArchitecture", "X86_64")
    return "linux/arm64" if arch == "ARM64" else "linux/amd64"


# --- 3. task definitions ---------------------------------------------------------------------


def latest_task_definition(ecs: Client, family: str) -> dict[str, Any]:
    try:
        response = ecs.describe_task_definition(taskDefinition=family)
    except ClientError as exc:
        raise DeployError(f"task definition family {family}: {_message(exc)}") from None
    task_definition: dict[str, Any] = response["taskDefinition"]
    return task_definition


def next_revision(
    current: dict[str, Any], container: str, image: str, accepted: frozenset[str]
) -> dict[str, Any]:
    """RegisterTaskDefinition input: the current revision with only the app image replaced."""
    request = {
        key: value
        for key, value in current.items()
        if key not in READ_ONLY_TASK_DEFINITION_FIELDS and key in accepted
    }
    containers = [dict(c) for c in request.get("containerDefinitions", [])]
    matches = [c for c in containers if c.get("name") == container]
    if len(matches) != 1:
        family = current.get("family")
        raise DeployError(f"task definition {family} has no container named {container!r}")
    matches[0]["image"] = image
    request["containerDefinitions"] = containers
    return request


def register_revision(ecs: Client, current: dict[str, Any], container: str, image: str) -> str:
    model = ecs.meta.service_model.operation_model("RegisterTaskDefinition")
    accepted = frozenset(model.input_shape.members)
    request = next_revision(current, container, image, accepted)
    response = ecs.register_task_definition(**request)
    return str(response["taskDefinition"]["taskDefinitionArn"])


# --- 4. migrations ---------------------------------------------------------------------------


def migration_failure(task: dict[str, Any], container: str) -> str | None:
    """Why a stopped migration task failed, or None if its app container exited with 0."""
    for item in task.get("containers", []):
        if item.get("name") == container:
            exit_code = item.get("exitCode")
            if exit_code == 0:
                return None
            reason = item.get("reason") or task.get("stoppedReason") or "no reason given"
            if exit_code is None:
                return f"container {container} did not exit normally: {reason}"
            return f"container {container} exited with code {exit_code}: {reason}"
    return f"task has no container {container}: {task.get('stoppedReason') or 'no reason given'}"


def _run_task(ecs: Client, migration: Migration, task_definition_arn: str) -> dict[str, Any]:
    response: dict[str, Any] = ecs.run_task(
        cluster=migration.cluster,
        taskDefinition=task_definition_arn,
        count=1,
        capacityProviderStrategy=[{"capacityProvider": migration.capacity_provider, "weight": 1}],
        startedBy="taskapp-deploy",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": migration.subnet_ids,
                "securityGroups": migration.security_group_ids,
                "assignPublicIp": "ENABLED" if migration.assign_public_ip else "DISABLED",
            }
        },
        overrides={
            "containerOverrides": [{"name": migration.container_name, "command": migration.command}]
        },
    )
    return response


def run_migration(
    ecs: Client, migration: Migration, task_definition_arn: str, options: Options, log: Log
) -> str:
    try:
        response = _run_task(ecs, migration, task_definition_arn)
    except ClientError as exc:
        raise DeployError(
            f"the migration task did not start, services unchanged: {_message(exc)}"
        ) from None
    if response.get("failures") or not response.get("tasks"):
        failures = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')}".strip()
            for f in response.get("failures", [])
        )
        raise DeployError(
            "the migration task did not start, services unchanged: "
            f"{failures or 'no task returned'}"
        )
    task_arn = str(response["tasks"][0]["taskArn"])
    log(f"migration task {task_arn} started ({' '.join(migration.command)})")
    deadline = time.monotonic() + options.migration_timeout
    while True:
        tasks = ecs.describe_tasks(cluster=migration.cluster, tasks=[task_arn]).get("tasks", [])
        task: dict[str, Any] = tasks[0] if tasks else {}
        if task.get("lastStatus") == "STOPPED":
            break
        if time.monotonic() > deadline:
            ecs.stop_task(cluster=migration.cluster, task=task_arn, reason="deploy timeout")
            raise DeployError(
                f"the migration task {task_arn} did not finish within "
                f"{options.migration_timeout}s; stopped it, services unchanged"
            )
        time.sleep(options.poll_seconds)
    failure = migration_failure(task, migration.container_name)
    logs = ""
    if migration.log_group_name:
        stream = f"{migration.log_stream_prefix}/{migration.container_name}/"
        logs = f" (logs: {migration.log_group_name} {stream}{task_arn.rsplit('/', 1)[-1]})"
    if failure:
        raise DeployError(
            f"migrations failed, services unchanged: task {task_arn}: {failure}{logs}"
        )
    return task_arn


# --- 5. services -----------------------------------------------------------------------------


def update_services(
    ecs: Client, cluster: str, targets: dict[str, str], options: Options, log: Log
) -> None:
    for service, task_definition in targets.items():
        ecs.update_service(cluster=cluster, service=service, taskDefinition=task_definition)
        log(f"service {service} -> {task_definition}")
    attempts = max(1, options.stable_timeout // max(1, options.poll_seconds))
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=cluster,
            services=list(targets),
            WaiterConfig={"Delay": options.poll_seconds, "MaxAttempts": attempts},
        )
    except BotoCoreError as exc:  # WaiterError
        raise DeployError(
            f"services {', '.join(targets)} not stable within {options.stable_timeout}s: {exc}"
        ) from None
    # A circuit breaker or alarm rollback also ends "stable", on the previous revision.
    described = ecs.describe_services(cluster=cluster, services=list(targets))["services"]
    for service in described:
        wanted = targets[service["serviceName"]]
        if service.get("taskDefinition") != wanted:
            raise DeployError(
                f"service {service['serviceName']} runs {service.get('taskDefinition')}, not "
                f"{wanted}: ECS rolled the deployment back (see the service's events)"
            )


# --- 6. frontend -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    path: Path
    key: str
    content_type: str
    cache_control: str


def site_uploads(dist: Path) -> list[Upload]:
    """Every file of the build in upload order: assets/*, other files, index.html last."""
    if not (dist / "index.html").is_file():
        raise ConfigError(f"{dist}/index.html not found: build the frontend first (make frontend)")
    uploads = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = path.relative_to(dist).as_posix()
        content_type = CONTENT_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        cache = IMMUTABLE_CACHE if key.startswith("assets/") else NO_CACHE
        uploads.append(Upload(path, key, content_type, cache))

    def rank(upload: Upload) -> int:
        if upload.key.startswith("assets/"):
            return 0
        return 2 if upload.key == "index.html" else 1

    return sorted(uploads, key=rank)


def publish_site(s3: Client, bucket: str, uploads: Sequence[Upload], log: Log) -> list[str]:
    """Put every file; deletes nothing (clients may still hold the previous index.html)."""
    for upload in uploads:
        with upload.path.open("rb") as body:
            s3.put_object(
                Bucket=bucket,
                Key=upload.key,
                Body=body,
                ContentType=upload.content_type,
                CacheControl=upload.cache_control,
            )
    log(f"published {len(uploads)} objects to s3://{bucket}")
    return [u.key for u in uploads]


def invalidate_index(cloudfront: Client, distribution_id: str, tag: str) -> str:
    response = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/"]},
            "CallerReference": f"deploy-{tag}-{time.time_ns()}",
        },
    )
    return str(response["Invalidation"]["Id"])


# --- the release -----------------------------------------------------------------------------


def deploy(options: Options, clients: Clients, log: Log) -> Summary:
    summary = Summary()
    uploads = [] if options.skip_frontend else site_uploads(options.dist)  # fail before changes
    manifest = load_manifest(clients.ssm, options.project, options.env)
    if not options.skip_frontend and not manifest.cloudfront_distribution_id:
        raise ConfigError("the deploy manifest has no cloudfront_distribution_id")

    api = latest_task_definition(clients.ecs, manifest.api_task_definition_family)
    worker = latest_task_definition(clients.ecs, manifest.worker_task_definition_family)

    summary.tag = options.image_tag or git_sha()
    summary.image = f"{manifest.ecr_repository_url}:{summary.tag}"
    if image_exists(clients.ecr, manifest.ecr_repository_url, summary.tag):
        log(f"image {summary.image} is in ECR; not building it again (tags are immutable)")
    elif options.skip_build:
        raise ConfigError(f"image {summary.image} is not in ECR (--skip-build needs a pushed tag)")
    else:
        build_and_push(clients.ecr, summary.image, summary.tag, docker_platform(api), log)

    container = manifest.app_container_name
    summary.api_task_definition = register_revision(clients.ecs, api, container, summary.image)
    summary.worker_task_definition = register_revision(
        clients.ecs, worker, container, summary.image
    )
    log(f"registered {summary.api_task_definition} and {summary.worker_task_definition}")

    if options.skip_migrations:
        log("migrations skipped (--skip-migrations)")
        summary.migration_task = "skipped"
    else:
        migration_task_definition = summary.api_task_definition
        family = manifest.migration.task_definition_family
        if family != manifest.api_task_definition_family:
            # Its own family (ADR 0056): the only one with the database master credentials.
            migration_task_definition = register_revision(
                clients.ecs,
                latest_task_definition(clients.ecs, family),
                manifest.migration.container_name,
                summary.image,
            )
            log(f"registered {migration_task_definition}")
        summary.migration_task = run_migration(
            clients.ecs, manifest.migration, migration_task_definition, options, log
        )
        log("migrations done")

    update_services(
        clients.ecs,
        manifest.cluster_name,
        {
            manifest.api_service_name: summary.api_task_definition,
            manifest.worker_service_name: summary.worker_task_definition,
        },
        options,
        log,
    )
    log("services stable")

    if uploads:
        summary.uploaded = publish_site(clients.s3, manifest.site_bucket_name, uploads, log)
        try:
            summary.invalidation_id = invalidate_index(
                clients.cloudfront, manifest.cloudfront_distribution_id, summary.tag
            )
        except ClientError as exc:
            raise DeployError(
                f"released {summary.tag} (services and site updated), but invalidating "
                f"/index.html failed: {_message(exc)}; index.html is served no-cache, "
                "rerun the deploy or invalidate by hand"
            ) from None
    return summary


def _message(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        operation = exc.operation_name
        text = f"{operation}: {error.get('Code', 'Error')}: {error.get('Message', '')}"
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(text.split())  # one line, whatever the service sent
    return text if len(text) <= 300 else text[:297] + "..."


def parse_args(argv: Sequence[str] | None) -> tuple[Options, str | None]:
    parser = argparse.ArgumentParser(prog="python -m taskapp_ops.deploy", description=__doc__)
    parser.add_argument("--env", required=True, help="environment: dev, stage, prod")
    parser.add_argument("--project", default="taskapp")
    parser.add_argument("--image-tag", help="image tag (default: the git SHA of HEAD)")
    parser.add_argument("--skip-build", action="store_true", help="deploy an existing tag")
    parser.add_argument("--skip-frontend", action="store_true")
    parser.add_argument(
        "--skip-migrations",
        action="store_true",
        help="rollback to an older image: its alembic does not know the newer schema revision",
    )
    parser.add_argument("--region", help="AWS Region (default: AWS_REGION)")
    parser.add_argument("--dist", type=Path, default=ROOT / "frontend" / "dist")
    parser.add_argument("--poll-seconds", type=int, default=15)
    parser.add_argument("--migration-timeout", type=int, default=1800, help="seconds")
    parser.add_argument("--stable-timeout", type=int, default=1800, help="seconds")
    args = parser.parse_args(argv)
    if args.image_tag is not None and not IMAGE_TAG.fullmatch(args.image_tag):
        parser.error(f"--image-tag {args.image_tag!r} is not a valid image tag")
    options = Options(
        env=args.env,
        project=args.project,
        image_tag=args.image_tag,
        skip_build=args.skip_build,
        skip_frontend=args.skip_frontend,
        skip_migrations=args.skip_migrations,
        dist=args.dist,
        poll_seconds=args.poll_seconds,
        migration_timeout=args.migration_timeout,
        stable_timeout=args.stable_timeout,
    )
    return options, args.region


def main(argv: Sequence[str] | None = None, clients: Clients | None = None) -> int:
    options, region = parse_args(argv)

    def log(line: str) -> None:
        print(f"deploy: {line}", file=sys.stderr, flush=True)

    try:
        summary = deploy(options, clients or Clients.create(region), log)
    except DeployError as exc:
        log(f"error: {exc}")
        return exc.exit_code
    except (ClientError, BotoCoreError, OSError, subprocess.SubprocessError) as exc:
        log(f"error: {_message(exc)}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    print(f"deployed {options.project}-{options.env} {summary.tag}")
    for line in summary.lines():
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
