"""Schemathesis over the running API's own OpenAPI document (issue 8): every operation,
authenticated, stateful links on, against the real PostgreSQL, Redis and moto the fixtures
start. The proof that the document is exact, kept in `make test`:

- 0 server errors (not_a_server_error, and no "unhandled error" logged by the app);
- 0 responses outside the document: status codes (none undocumented), content types, bodies
  (response schema), documented headers;
- plus what else the document promises: unsupported methods get 405 with an exact Allow,
  a missing required header is refused (a missing If-Match is 428: RFC 6585), data that
  breaks the document is refused, operations that need a token refuse a request without one.

The run is bounded (a fixed seed and number of examples: about 2 minutes on 2 cores);
`make fuzz` runs a longer one (TASKAPP_FUZZ_EXAMPLES, TASKAPP_FUZZ_STEPS). The figures
(operations, requests, failures by kind) are printed in the session's "figures" section.

The app runs in this process, under uvicorn on a loopback port (real HTTP: a 500 closes the
connection as it would in production); schemathesis runs as its CLI, in a subprocess.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.main import create_app
from tests.conftest import Figures, Stack
from tests.factories import PASSWORD
from tests.live import served

# Operations the run leaves out (config_toml says why).
SKIPPED_OPERATIONS = ("project_events",)
MAX_EXAMPLES = int(os.environ.get("TASKAPP_FUZZ_EXAMPLES", "40"))
STATEFUL_STEPS = int(os.environ.get("TASKAPP_FUZZ_STEPS", "10"))
SEED = int(os.environ.get("TASKAPP_FUZZ_SEED", "20260801"))
TIMEOUT_SECONDS = 300 + 10 * MAX_EXAMPLES  # generous: a busy 2-core machine is slower

# What "exact" means here, check by check (schemathesis' names).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    # Not ensure_resource_availability: it reads any 404 right after a create as "the created
    # resource is missing", and the invitation routes answer 404 for a token no link carries.
)


@dataclass
class Observed:
    """What the app itself saw during the run."""

    statuses: Counter[int] = field(default_factory=Counter)
    unhandled: list[str] = field(default_factory=list)


class _CountResponses:
    def __init__(self, app: ASGIApp, observed: Observed) -> None:
        self.app = app
        self.observed = observed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.observed.statuses[message["status"]] += 1
            await send(message)

        await self.app(scope, receive, counting_send)


class _CollectUnhandled(logging.Handler):
    def __init__(self, observed: Observed) -> None:
        super().__init__(logging.ERROR)
        self.observed = observed

    def emit(self, record: logging.LogRecord) -> None:
        self.observed.unhandled.append(record.getMessage() + f" ({record.exc_info!r:.300})")


@dataclass
class LiveApi:
    url: str
    observed: Observed


@pytest.fixture
def live_api(stack: Stack) -> Iterator[LiveApi]:
    settings = stack.settings.model_copy(
        update={
            # The fuzzer is one busy client: limits would turn most of its requests into 429s.
            "rate_limit_api_per_user": 10**9,
            "rate_limit_login_per_ip": 10**9,
            "rate_limit_login_per_account": 10**9,
            "rate_limit_invitations_per_user": 10**9,
            "rate_limit_comments_per_user": 10**9,
            "access_token_ttl_seconds": 86400,
            "request_deadline_seconds": 30.0,
        }
    )
    observed = Observed()
    app = _CountResponses(create_app(settings), observed)
    errors_logger = logging.getLogger("taskapp.errors")
    handler = _CollectUnhandled(observed)
    errors_logger.addHandler(handler)
    try:
        with served(app) as url:
            yield LiveApi(url, observed)
    finally:
        errors_logger.removeHandler(handler)


@dataclass
class Seed:
    token: str
    ids: dict[str, list[str]]  # dictionary name -> ids, for the fuzzer's path parameters
    kept: list[str]  # the project our user owns, and what is in it (fuzz_hooks.py)


def seed(url: str) -> Seed:
    """What the fuzzer works on, all made through the API (the ids come from its responses):
    our user owns a project with tasks, one with a confirmed attachment, an export and a
    fellow member, and is a viewer in another user's project (403s)."""
    with httpx.Client(base_url=url, timeout=30) as client:

        def post(path: str, body: dict[str, Any], token: str) -> dict[str, Any]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = client.post(path, json=body, headers=headers)
            assert response.status_code in (200, 201, 202), response.text
            created: dict[str, Any] = response.json()
            return created

        def sign_up(name: str) -> dict[str, Any]:
            body = {"email": f"fuzz-{name}@example.com", "password": PASSWORD, "display_name": name}
            return post("/api/auth/signup", body, "")

        owner, mate = sign_up("owner"), sign_up("mate")
        token, mate_token = owner["tokens"]["access_token"], mate["tokens"]["access_token"]
        project = post("/api/projects", {"name": "Fuzzed"}, token)["id"]
        invited = post(f"/api/projects/{project}/invitations",
                       {"email": "fuzz-mate@example.com"}, token)  # fmt: skip
        post("/api/invitations/accept", {"token": invited["link"].rsplit("/", 1)[1]}, mate_token)
        tasks = [post(f"/api/projects/{project}/tasks", {"title": f"T{i}"}, token)["id"]
                 for i in range(3)]  # fmt: skip
        base = f"/api/projects/{project}/tasks/{tasks[0]}/attachments"
        ticket = post(base, {"filename": "a.txt", "content_type": "text/plain",
                             "size_bytes": 5}, token)  # fmt: skip
        upload = ticket["upload"]
        stored = httpx.post(upload["url"], data=upload["fields"],
                            files={"file": ("a.txt", b"hello", "text/plain")})  # fmt: skip
        assert stored.status_code < 300, stored.text
        attachment = ticket["attachment"]["id"]
        post(f"{base}/{attachment}/confirm", {}, token)
        export = post(f"/api/projects/{project}/exports", {}, token)["id"]
        comments = [post(f"/api/projects/{project}/tasks/{tasks[0]}/comments",
                         {"body": f"C{i}", "mentions": [mate["user"]["id"]]}, token)["id"]
                    for i in range(3)]  # fmt: skip
        theirs = post("/api/projects", {"name": "Theirs"}, mate_token)["id"]
        ours = post(f"/api/projects/{theirs}/invitations",
                    {"email": "fuzz-owner@example.com", "role": "viewer"}, mate_token)  # fmt: skip
        post("/api/invitations/accept", {"token": ours["link"].rsplit("/", 1)[1]}, token)
        ids = {
            "projects": [project, theirs],
            "tasks": tasks,
            "attachments": [attachment],
            "exports": [export],
            "users": [mate["user"]["id"]],
            "comments": comments,
        }
        return Seed(token, ids, [project, *tasks, attachment, mate["user"]["id"]])


def config_toml(seeded: Seed, report: Path) -> str:
    # Mostly real ids, from the seed's responses; sometimes generated ones (404s, 422s).
    dictionaries = "\n".join(
        f"[dictionaries.{name}]\nvalues = {json.dumps(ids)}" for name, ids in seeded.ids.items()
    )
    bindings = {"project_id": "projects", "task_id": "tasks", "attachment_id": "attachments",
                "export_id": "exports", "user_id": "users",
                "comment_id": "comments"}  # fmt: skip
    dictionaries += "\n[parameters]\n" + "\n".join(
        f'"path.{name}" = {{ dictionary = "{dictionary}", probability = 0.9 }}'
        for name, dictionary in bindings.items()
    )
    checks = "\n".join(
        f"[checks.{name}]\nenabled = true"
        for name in CHECKS
        if name not in {"missing_required_header", "negative_data_rejection"}
    )
    return f"""
color = false
seed = {SEED}
workers = 1
continue-on-failure = true
request-timeout = 30
suppress-health-check = ["all"]

[cache]
enabled = false

[reports]
directory = "{report.parent}"
[reports.json]
enabled = true
path = "{report}"

[generation]
mode = "all"
max-examples = {MAX_EXAMPLES}
deterministic = false

[phases.stateful]
max-steps = {STATEFUL_STEPS}

[checks]
enabled = false
{checks}

[checks.missing_required_header]
enabled = true
# RFC 6585: a request that must be conditional and is not gets 428.
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

[checks.negative_data_rejection]
enabled = true
# The default list, and 413: a declared file size over the documented maximum is refused as
# too large (the document says so).
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428",
                     "429"]

[auth.openapi.HTTPBearer]
bearer = "{seeded.token}"

# The live-update stream answers 200 with an endless body: every case would wait for the
# request timeout. Its contract is tested in test_events.py (errors, resume, roles, limits).
[[operations]]
include-operation-id = "{SKIPPED_OPERATIONS[0]}"
enabled = false

{dictionaries}
"""


@pytest.mark.timeout(TIMEOUT_SECONDS + 120)
def test_the_api_keeps_to_its_openapi_document(
    live_api: LiveApi, tmp_path: Path, figures: Figures
) -> None:
    seeded = seed(live_api.url)
    report = tmp_path / "schemathesis.json"
    config = tmp_path / "schemathesis.toml"
    config.write_text(config_toml(seeded, report))
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
         f"{live_api.url}/api/openapi.json"],
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False, cwd=tmp_path,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("fuzz_hooks.py")),
            "TASKAPP_FUZZ_URL": live_api.url,
            "TASKAPP_FUZZ_TOKEN": seeded.token,
            "TASKAPP_FUZZ_KEEP": ",".join(seeded.kept),
        },
    )  # fmt: skip
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    assert report.exists(), output
    result = json.loads(report.read_text())
    statuses = live_api.observed.statuses
    failures = {f"{f['title']} ({f['type']})": f["count"] for f in result["failures"]}
    operations = result["operations"]
    lines = [
        f"schemathesis {result['schemathesis_version']}, seed {SEED}, "
        f"max-examples {MAX_EXAMPLES}, stateful steps {STATEFUL_STEPS}: {elapsed:.0f} s",
        f"  operations: {operations['tested']} tested of {operations['total']}",
        f"  test cases: {result['test_cases']['generated']} generated",
        f"  requests the app answered: {sum(statuses.values())} "
        f"({', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))})",
        "  phases: " + ", ".join(f"{k} {v['status']}" for k, v in result["phases"].items()),
        f"  failures by kind: {failures or 'none'}; errors: {result['errors'] or 'none'}",
        f"  unhandled errors logged by the app: {len(live_api.observed.unhandled)}",
    ]
    for line in lines:
        figures.add(line)
        print(line)
    assert result["complete"], output
    assert result["errors"] == [], output
    # Every operation but the ones the configuration turns off (the event stream).
    assert operations["tested"] == operations["total"] - len(SKIPPED_OPERATIONS) > 0, output
    assert not any(status >= 500 for status in statuses), (statuses, output)
    assert live_api.observed.unhandled == []
    assert result["failures"] == [], output
    assert run.returncode == 0, output
