from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import boto3
import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from taskapp.core.settings import Settings
from taskapp.exports.csv_writer import HEADER, csv_timestamp
from taskapp.exports.models import ExportJob
from taskapp.exports.router import get_export_service
from taskapp.exports.service import content_disposition, export_filename
from taskapp.exports.sweep import OVERDUE_ERROR
from taskapp.exports.worker import MAX_ATTEMPTS, ExportWorker
from taskapp.main import create_app
from taskapp.projects.dependencies import ProjectAccess
from taskapp.projects.models import Role
from taskapp_ops.provision import MAX_RECEIVE_COUNT, create_queue_with_dlq, migrate
from tests.conftest import Stack
from tests.factories import (
    PASSWORD,
    Account,
    add_member,
    assert_error,
    create_project,
    create_task,
    make_team,
    run_sql,
    sign_up,
)
from tests.test_migrations import empty_database  # noqa: F401  (a fixture, used by name)

REPO = Path(__file__).resolve().parents[2]


async def drain(settings: Settings) -> int:
    worker = ExportWorker(settings)
    try:
        total = 0
        while (handled := await worker.poll_once(wait_seconds=0)) > 0:
            total += handled
        return total
    finally:
        await worker.close()


class TestExports:
    async def test_export_end_to_end_through_the_worker(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner, title="=HYPERLINK(evil)")
        await create_task(client, team.project_id, team.owner, title="Plain", status="done")
        started = await client.post(
            f"/api/projects/{team.project_id}/exports", headers=team.viewer.headers
        )
        assert started.status_code == 202 and started.json()["status"] == "queued"
        export_url = f"/api/projects/{team.project_id}/exports/{started.json()['id']}"
        assert (await client.get(export_url, headers=team.viewer.headers)).json()[
            "download_url"
        ] is None

        assert await drain(settings) >= 1
        done = (await client.get(export_url, headers=team.viewer.headers)).json()
        assert done["status"] == "done" and done["row_count"] == 2
        async with httpx.AsyncClient() as s3_client:
            response = await s3_client.get(done["download_url"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert {r["title"] for r in rows} == {"'=HYPERLINK(evil)", "Plain"}  # formula neutralised
        assert {r["status"] for r in rows} == {"todo", "done"}

    async def test_redelivery_is_idempotent(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner)
        started = (
            await client.post(
                f"/api/projects/{team.project_id}/exports", headers=team.owner.headers
            )
        ).json()
        await drain(settings)
        worker = ExportWorker(settings)
        try:
            # The same message delivered again, e.g. after a visibility timeout.
            await worker.aws.call(
                worker.aws.sqs.send_message,
                QueueUrl=worker.queue_url,
                MessageBody=orjson.dumps({"job_id": started["id"]}).decode(),
            )
            assert await worker.poll_once(wait_seconds=0) >= 1
        finally:
            await worker.close()
        after = (await client.get(f"/api/projects/{team.project_id}/exports/{started['id']}",
                                  headers=team.owner.headers)).json()  # fmt: skip
        assert after["status"] == "done" and after["row_count"] == 1

    async def test_malformed_messages_are_dropped(self, settings: Settings) -> None:
        queue, _ = scratch_queue(settings)
        worker = ExportWorker(settings.model_copy(update={"sqs_export_queue_url": queue}))
        try:
            for body in ("not json", '{"job": 1}', '{"job_id": "not a uuid"}'):
                await worker.aws.call(worker.aws.sqs.send_message, QueueUrl=queue, MessageBody=body)
            assert await worker.poll_once(wait_seconds=0) == 3
            assert await worker.poll_once(wait_seconds=0) == 0  # acknowledged, not redelivered
        finally:
            await worker.close()

    async def test_another_projects_export_is_404(self, client: httpx.AsyncClient) -> None:
        first = await make_team(client)
        second = await make_team(client)
        started = (
            await client.post(
                f"/api/projects/{first.project_id}/exports", headers=first.owner.headers
            )
        ).json()
        response = await client.get(
            f"/api/projects/{second.project_id}/exports/{started['id']}",
            headers=second.owner.headers,
        )
        assert_error(response, 404)


def utc_seconds(api_timestamp: str) -> str:
    """An API timestamp (ISO 8601 with offset and microseconds) as the CSV writes it."""
    moment = datetime.fromisoformat(api_timestamp).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def sign_up_as(client: httpx.AsyncClient, display_name: str) -> Account:
    email = f"person-{uuid.uuid4().hex[:10]}@example.com"
    response = await client.post("/api/auth/signup", json={
        "email": email, "password": PASSWORD, "display_name": display_name})  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(body["user"]["id"], email, body["tokens"]["access_token"],
                   body["tokens"]["refresh_token"])  # fmt: skip


class TestExportFile:
    """Issue 10, bug 7: assignees appeared as UUIDs, timestamps carried microseconds, Excel on
    Windows garbled accents (no BOM), and the file was named after the project's UUID
    (docs/decisions/0082)."""

    async def test_the_csv_names_people_in_utc_seconds_with_a_bom_and_the_projects_name(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        owner = await sign_up(client, "owner")
        zoe = await sign_up_as(client, "Zoë Ångström")
        formula = await sign_up_as(client, "=cmd|' /C calc'!A0")
        gone = await sign_up_as(client, "Former Member")
        project_id = await create_project(client, owner, name='Café Été: Q4/2026 "plan"')
        for account in (zoe, formula, gone):
            await add_member(client, project_id, owner, account, "member")
        mine = await create_task(client, project_id, owner, title="Résumé, draft",
                                 assignee_id=zoe.id)  # fmt: skip
        await create_task(client, project_id, owner, title="Macro", assignee_id=formula.id)
        await create_task(client, project_id, owner, title="Orphan", assignee_id=gone.id)
        await create_task(client, project_id, owner, title="Nobody's")
        removed = await client.delete(f"/api/projects/{project_id}/members/{gone.id}",
                                      headers=owner.headers)  # fmt: skip
        assert removed.status_code == 204, removed.text

        url = f"/api/projects/{project_id}/exports"
        started = (await client.post(url, headers=owner.headers)).json()
        await drain(settings)
        done = (await client.get(f"{url}/{started['id']}", headers=owner.headers)).json()
        assert done["status"] == "done" and done["row_count"] == 4
        async with httpx.AsyncClient() as s3_client:
            response = await s3_client.get(done["download_url"])
        assert response.status_code == 200

        # A UTF-8 byte order mark first: Excel on Windows reads the file as UTF-8.
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert not response.content.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
        text_ = response.content[3:].decode("utf-8")
        reader = csv.reader(io.StringIO(text_))
        assert next(reader) == HEADER == [
            "id", "title", "description", "status", "priority", "assignee",
            "assignee_email", "due_date", "created_at", "updated_at",
        ]  # fmt: skip
        rows = {row[1]: dict(zip(HEADER, row, strict=True)) for row in reader}
        assert set(rows) == {"Résumé, draft", "Macro", "Orphan", "Nobody's"}
        assert (rows["Résumé, draft"]["assignee"], rows["Résumé, draft"]["assignee_email"]) == (
            "Zoë Ångström", zoe.email)  # fmt: skip
        # A display name is user input too: no formula reaches the spreadsheet.
        assert rows["Macro"]["assignee"] == "'=cmd|' /C calc'!A0"
        # Someone who has left the project: not named, as the board does not name them.
        assert (rows["Orphan"]["assignee"], rows["Orphan"]["assignee_email"]) == ("", "")
        assert (rows["Nobody's"]["assignee"], rows["Nobody's"]["assignee_email"]) == ("", "")
        # ISO 8601 in UTC to the second, e.g. 2026-12-01T05:10:00Z.
        for row in rows.values():
            for column in ("created_at", "updated_at"):
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[column]), row
        assert rows["Résumé, draft"]["created_at"] == utc_seconds(mine["created_at"])
        assert rows["Résumé, draft"]["id"] == mine["id"]

        # Named after the project and the day of the export, not the project's UUID.
        day = datetime.fromisoformat(done["updated_at"]).astimezone(UTC).date().isoformat()
        ascii_name = f"cafe-ete-q4-2026-plan-tasks-{day}.csv"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(f'café-été-q4-2026-plan-tasks-{day}.csv', safe='')}"
        )
        assert project_id not in response.headers["content-disposition"]


class TestExportFileName:
    DAY = date(2026, 12, 1)

    @pytest.mark.parametrize(
        ("project", "expected"),
        [
            ("Launch plan", "launch-plan-tasks-2026-12-01.csv"),
            ('  Q4 / 2026: "Big" launch!  ', "q4-2026-big-launch-tasks-2026-12-01.csv"),
            ("Café Été", "cafe-ete-tasks-2026-12-01.csv"),
            ("日本語", "project-tasks-2026-12-01.csv"),  # nothing ASCII is left
            ("../../etc/passwd\r\nX-Evil: 1", "etc-passwd-x-evil-1-tasks-2026-12-01.csv"),
            ("a" * 100, "a" * 60 + "-tasks-2026-12-01.csv"),
        ],
    )
    def test_the_ascii_name_is_a_safe_slug(self, project: str, expected: str) -> None:
        assert export_filename(project, self.DAY).ascii == expected

    def test_a_name_beyond_ascii_is_also_given_in_utf_8(self) -> None:
        name = export_filename("日本語 計画", self.DAY)
        assert name.unicode == "日本語-計画-tasks-2026-12-01.csv"
        assert content_disposition(name) == (
            'attachment; filename="project-tasks-2026-12-01.csv"; '
            f"filename*=UTF-8''{quote('日本語-計画-tasks-2026-12-01.csv', safe='')}"
        )

    def test_an_ascii_name_has_no_second_form(self) -> None:
        name = export_filename("Launch plan", self.DAY)
        assert content_disposition(name) == (
            'attachment; filename="launch-plan-tasks-2026-12-01.csv"'
        )


class TestCsvTimestamps:
    def test_utc_to_the_second_whatever_the_offset(self) -> None:
        paris = timezone(timedelta(hours=1))
        moment = datetime(2026, 12, 1, 6, 10, 0, 987654, tzinfo=paris)
        assert csv_timestamp(moment) == "2026-12-01T05:10:00Z"


class TestWorkerLoop:
    async def test_an_idle_long_poll_outlasting_the_call_timeout_is_not_an_error(
        self, settings: Settings
    ) -> None:
        """Long polls wait longer than the AWS call timeout (5 s): an idle queue must answer
        "no messages", not a timeout, or a message caught by a timed-out poll would stay
        invisible for the visibility timeout."""
        assert settings.aws_timeout_seconds < 7
        sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
        empty_queue = sqs.create_queue(QueueName=f"idle-{uuid.uuid4().hex}")["QueueUrl"]
        worker = ExportWorker(settings.model_copy(update={"sqs_export_queue_url": empty_queue}))
        try:
            assert await worker.poll_once(wait_seconds=7) == 0
            assert worker.aws.breaker.state == "closed"
        finally:
            await worker.close()

    async def test_the_running_worker_picks_up_a_job_promptly(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        import asyncio
        import time

        team = await make_team(client)
        await create_task(client, team.project_id, team.owner)
        worker = ExportWorker(settings)
        running = asyncio.create_task(worker.run(wait_seconds=5))
        try:
            await asyncio.sleep(1)  # the worker is now waiting on the empty queue
            started = (
                await client.post(
                    f"/api/projects/{team.project_id}/exports", headers=team.owner.headers
                )
            ).json()
            queued_at = time.monotonic()
            url = f"/api/projects/{team.project_id}/exports/{started['id']}"
            while (await client.get(url, headers=team.owner.headers)).json()["status"] != "done":
                assert time.monotonic() - queued_at < 8, "the export was not picked up"
                await asyncio.sleep(0.2)
        finally:
            worker.stopping.set()
            await asyncio.wait_for(running, timeout=30)
            await worker.close()


def scratch_queue(
    settings: Settings, max_receive_count: int = MAX_RECEIVE_COUNT
) -> tuple[str, str]:
    """A queue of the test's own, with its DLQ, so that no other test's messages show up."""
    sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
    return create_queue_with_dlq(sqs, f"scratch-{uuid.uuid4().hex}", max_receive_count)


async def job_status(stack: Stack, job_id: str | uuid.UUID) -> str:
    rows = await run_sql(stack.admin_settings.sqlalchemy_database_url,
                         "SELECT status FROM export_jobs WHERE id = :id", id=uuid.UUID(str(job_id)))  # fmt: skip
    return str(rows[0][0])


def viewer_access(team_project_id: str, user_id: str) -> ProjectAccess:
    return ProjectAccess(uuid.UUID(team_project_id), uuid.UUID(user_id), Role.viewer)


class TestLostExports:
    """Issue 8, item 1: a job whose message the worker handled before the job was committed
    stayed `queued` forever."""

    async def test_a_worker_faster_than_the_commit_does_not_lose_the_job(
        self, client: httpx.AsyncClient, app: FastAPI, settings: Settings, stack: Stack
    ) -> None:
        """The worker handles the queue while the request's transaction is still open (what
        happens when it is faster than the commit): the job must still end done."""
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner)
        access = viewer_access(team.project_id, team.viewer.id)
        async with app.state.database.transaction() as session:
            service = await get_export_service(session, app.state.aws, settings)
            job = await service.request(access)
            await drain(settings)  # before the commit
        await drain(settings)  # after it
        assert await job_status(stack, job.id) == "done"

    async def test_a_message_for_a_job_not_yet_visible_goes_back_to_the_queue(
        self, client: httpx.AsyncClient, app: FastAPI, settings: Settings, stack: Stack
    ) -> None:
        """A producer that sends before its commit (e.g. the previous release during a
        deploy): the worker must not acknowledge the message while it cannot see the job."""
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner)
        queue, dlq = scratch_queue(settings)
        worker = ExportWorker(
            settings.model_copy(update={"sqs_export_queue_url": queue}), unseen_retry_seconds=0
        )
        try:
            async with app.state.database.transaction() as session:
                job = ExportJob(project_id=uuid.UUID(team.project_id))
                session.add(job)
                await session.flush()
                await worker.aws.call(worker.aws.sqs.send_message, QueueUrl=queue,
                                      MessageBody=orjson.dumps({"job_id": str(job.id)}).decode())  # fmt: skip
                assert await worker.poll_once(wait_seconds=0) == 1  # not visible: left queued
            assert await worker.poll_once(wait_seconds=0) == 1  # redelivered, now visible
            assert await job_status(stack, job.id) == "done"
            assert await worker.poll_once(wait_seconds=0) == 0  # acknowledged this time
        finally:
            await worker.close()
        sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
        assert "Messages" not in sqs.receive_message(QueueUrl=dlq)

    async def test_a_message_whose_job_never_appears_ends_in_the_dead_letter_queue(
        self, settings: Settings
    ) -> None:
        queue, dlq = scratch_queue(settings, max_receive_count=2)
        worker = ExportWorker(
            settings.model_copy(update={"sqs_export_queue_url": queue}), unseen_retry_seconds=0
        )
        body = orjson.dumps({"job_id": str(uuid.uuid4())}).decode()
        try:
            await worker.aws.call(worker.aws.sqs.send_message, QueueUrl=queue, MessageBody=body)
            receives = 0
            while await worker.poll_once(wait_seconds=0) == 1:
                receives += 1
                assert receives <= 2, "SQS should have moved the message to the DLQ"
            assert receives == 2
        finally:
            await worker.close()
        sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
        moved = sqs.receive_message(QueueUrl=dlq).get("Messages", [])
        assert [m["Body"] for m in moved] == [body]

    async def test_a_send_failing_after_commit_answers_202_and_the_sweep_sends_it(
        self, client: httpx.AsyncClient, settings: Settings, stack: Stack
    ) -> None:
        """The queue refuses the message (here: it does not exist). The job is committed, so
        the client is told so (202, queued), and the worker's sweep sends it later."""
        assert settings.aws_endpoint_url is not None
        missing = f"{settings.aws_endpoint_url}/123456789012/no-such-queue-{uuid.uuid4().hex}"
        team = await make_team(client)
        await create_task(client, team.project_id, team.owner)
        broken = create_app(settings.model_copy(update={"sqs_export_queue_url": missing}))
        async with broken.router.lifespan_context(broken):
            transport = httpx.ASGITransport(app=broken)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as other:
                started = await other.post(
                    f"/api/projects/{team.project_id}/exports", headers=team.viewer.headers
                )
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "queued"
        job_id = started.json()["id"]
        assert await drain(settings) == 0  # no message was sent
        assert await job_status(stack, job_id) == "queued"

        # The default threshold leaves a job this young alone; one "requeue_after" later, the
        # sweep sends its message (the threshold is lowered here instead of waiting).
        worker = ExportWorker(settings)
        try:
            assert (await worker.sweep()).requeued == 0
        finally:
            await worker.close()
        still_broken = ExportWorker(
            settings.model_copy(
                update={"sqs_export_queue_url": missing, "export_requeue_after_seconds": 0}
            )
        )
        try:
            report = await still_broken.sweep()  # the queue refuses again: tried next time
            assert (report.requeued, report.unsent) == (1, 1)
        finally:
            await still_broken.close()
        later = ExportWorker(settings.model_copy(update={"export_requeue_after_seconds": 0}))
        try:
            report = await later.sweep()
            assert (report.requeued, report.unsent) == (1, 0)
        finally:
            await later.close()
        await drain(settings)
        assert await job_status(stack, job_id) == "done"

    async def test_the_sweep_fails_jobs_far_too_old(
        self, client: httpx.AsyncClient, settings: Settings, stack: Stack
    ) -> None:
        team = await make_team(client)
        url = f"/api/projects/{team.project_id}/exports"
        stuck = (await client.post(url, headers=team.viewer.headers)).json()
        await run_sql(stack.admin_settings.sqlalchemy_database_url,
                      "UPDATE export_jobs SET created_at = created_at - make_interval(secs => :s),"
                      " status = 'running' WHERE id = :id",
                      s=settings.export_fail_after_seconds + 1, id=uuid.UUID(stuck["id"]))  # fmt: skip
        worker = ExportWorker(settings)
        try:
            assert (await worker.sweep()).failed == 1
        finally:
            await worker.close()
        after = (await client.get(f"{url}/{stuck['id']}", headers=team.viewer.headers)).json()
        assert (after["status"], after["error"]) == ("failed", OVERDUE_ERROR)
        again = await client.post(url, headers=team.viewer.headers)  # the project may export
        assert again.status_code == 202 and again.json()["id"] != stuck["id"]

    async def test_the_local_queue_has_a_dead_letter_queue_as_in_aws(
        self, settings: Settings
    ) -> None:
        sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
        assert settings.sqs_export_queue_url is not None
        attributes = sqs.get_queue_attributes(
            QueueUrl=settings.sqs_export_queue_url, AttributeNames=["RedrivePolicy"]
        )["Attributes"]
        policy = orjson.loads(attributes["RedrivePolicy"])
        assert policy["deadLetterTargetArn"].endswith(":taskapp-test-exports-dlq")
        variables = (REPO / "infra/modules/queue/variables.tf").read_text()
        aws_default = re.search(
            r'variable "max_receive_count" \{.*?default\s*=\s*(\d+)', variables, re.S
        )
        assert aws_default is not None
        # The worker marks a failing job failed at its last receive, before the DLQ takes it.
        assert int(policy["maxReceiveCount"]) == int(aws_default[1]) == MAX_ATTEMPTS


class TestOneActiveExportPerProject:
    """Issue 8, item 9: any viewer could queue exports without limit."""

    async def test_a_second_request_returns_the_active_export(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        team = await make_team(client)
        url = f"/api/projects/{team.project_id}/exports"
        first = await client.post(url, headers=team.viewer.headers)
        second = await client.post(url, headers=team.owner.headers)
        assert first.status_code == second.status_code == 202
        assert second.json()["id"] == first.json()["id"]
        await drain(settings)
        third = await client.post(url, headers=team.viewer.headers)
        assert third.status_code == 202 and third.json()["id"] != first.json()["id"]

    async def test_a_request_racing_an_uncommitted_one_gets_its_job(
        self, client: httpx.AsyncClient, app: FastAPI, settings: Settings, stack: Stack
    ) -> None:
        """Both requests find no active export; the database must let only one insert win.
        Request A's transaction stays open until request B waits on it (B's insert blocks on
        the unique index), then commits: B must answer with A's job."""
        team = await make_team(client)
        access = viewer_access(team.project_id, team.owner.id)
        admin = stack.admin_settings.sqlalchemy_database_url
        async with app.state.database.transaction() as session:
            service = await get_export_service(session, app.state.aws, settings)
            first = await service.request(access)
            second = asyncio.create_task(
                client.post(f"/api/projects/{team.project_id}/exports",
                            headers=team.viewer.headers)
            )  # fmt: skip
            while not second.done():  # until B waits for A's lock (or finished without it)
                waiting = await run_sql(admin, "SELECT count(*) FROM pg_stat_activity"
                                        " WHERE wait_event_type = 'Lock'")  # fmt: skip
                if waiting[0][0] > 0:
                    break
                await asyncio.sleep(0.01)
        response = await second
        assert response.status_code == 202, response.text
        assert response.json()["id"] == str(first.id)
        rows = await run_sql(admin, "SELECT count(*) FROM export_jobs WHERE project_id = :p",
                             p=uuid.UUID(team.project_id))  # fmt: skip
        assert rows[0][0] == 1


class TestExportRateLimit:
    async def test_exports_are_limited_per_user(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        team = await make_team(client)
        url = f"/api/projects/{team.project_id}/exports"
        limit = settings.rate_limit_exports_per_user
        accepted = 0
        # Fixed one-minute windows: if the run straddles two, the second allows `limit` more.
        for _ in range(2 * limit + 1):
            response = await client.post(url, headers=team.viewer.headers)
            if response.status_code == 429:
                break
            assert response.status_code == 202, response.text
            accepted += 1
        assert_error(response, 429, "rate_limited")
        assert int(response.headers["Retry-After"]) >= 1
        assert accepted >= limit
        # Another user of the same project is not affected.
        other = await client.post(url, headers=team.owner.headers)
        assert other.status_code == 202, other.text

    async def test_the_limit_is_documented(self, client: httpx.AsyncClient) -> None:
        spec = (await client.get("/api/openapi.json")).json()
        responses = spec["paths"]["/api/projects/{project_id}/exports"]["post"]["responses"]
        assert "APP_RATE_LIMIT_EXPORTS_PER_USER" in responses["429"]["description"]


class TestExportsUnderLoad:
    async def test_concurrent_requests_and_a_draining_worker_end_every_job(
        self, client: httpx.AsyncClient, settings: Settings, stack: Stack
    ) -> None:
        """Many concurrent requests on a few projects while a worker drains the queue: never
        more than one active export per project, and every accepted job ends done."""
        teams = [await make_team(client) for _ in range(3)]
        for team in teams:
            await create_task(client, team.project_id, team.owner)
        stop = asyncio.Event()
        most_active: list[int] = [0]

        async def work() -> None:
            worker = ExportWorker(settings)
            try:
                while not stop.is_set():
                    await worker.poll_once(wait_seconds=1)
            finally:
                await worker.close()

        async def watch() -> None:
            engine = create_async_engine(stack.admin_settings.sqlalchemy_database_url)
            try:
                async with engine.connect() as connection:
                    while not stop.is_set():
                        active = (await connection.execute(text(
                            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM export_jobs"
                            " WHERE status IN ('queued', 'running') GROUP BY project_id) AS a"
                        ))).scalar_one()  # fmt: skip
                        await connection.rollback()
                        most_active[0] = max(most_active[0], int(active))
                        await asyncio.sleep(0.005)
            finally:
                await engine.dispose()

        gate = asyncio.Semaphore(8)  # under the app's pool, so no request waits for a connection

        async def request(team_index: int, account_index: int) -> httpx.Response:
            team = teams[team_index]
            account = (team.owner, team.member, team.viewer)[account_index]
            async with gate:
                return await client.post(
                    f"/api/projects/{team.project_id}/exports", headers=account.headers
                )

        background = [asyncio.create_task(work()), asyncio.create_task(watch())]
        try:
            calls = [request(t, a) for _ in range(6) for a in range(3) for t in range(3)]
            responses = await asyncio.gather(*calls)
        finally:
            stop.set()
            await asyncio.gather(*background)
        assert [r.status_code for r in responses] == [202] * len(responses)
        assert most_active[0] <= 1
        accepted = {r.json()["id"] for r in responses}

        # What is still queued is published again by the sweep; then the queue is drained.
        sweeper = ExportWorker(settings.model_copy(update={"export_requeue_after_seconds": 0}))
        try:
            for _ in range(20):
                statuses = {job_id: await job_status(stack, job_id) for job_id in accepted}
                if set(statuses.values()) <= {"done", "failed"}:
                    break
                await sweeper.sweep()
                await drain(settings)
        finally:
            await sweeper.close()
        assert set(statuses.values()) == {"done"}, statuses


class TestMigration0003:
    def test_projects_with_several_active_exports_keep_the_newest(
        self, request: pytest.FixtureRequest
    ) -> None:
        scratch: Settings = request.getfixturevalue("empty_database")
        url = scratch.sqlalchemy_database_url
        migrate(scratch, "0002")
        project, older, newer, done = (uuid.uuid4() for _ in range(4))

        async def seed() -> None:
            await run_sql(url, "INSERT INTO projects (id, name, description) VALUES (:p, 'P', '')",
                          p=project)  # fmt: skip
            for job, status, age in ((older, "queued", 60), (newer, "running", 30),
                                     (done, "done", 90)):  # fmt: skip
                await run_sql(url, "INSERT INTO export_jobs (id, project_id, status, created_at)"
                              " VALUES (:id, :p, CAST(:s AS export_status),"
                              " now() - make_interval(secs => :age))",
                              id=job, p=project, s=status, age=age)  # fmt: skip

        asyncio.run(seed())
        migrate(scratch)
        rows = asyncio.run(run_sql(url, "SELECT id, status FROM export_jobs"))
        assert {row[0]: row[1] for row in rows} == {older: "failed", newer: "running",
                                                     done: "done"}  # fmt: skip
        with pytest.raises(IntegrityError):
            asyncio.run(run_sql(url, "INSERT INTO export_jobs (id, project_id, status)"
                                " VALUES (:id, :p, 'queued')", id=uuid.uuid4(), p=project))  # fmt: skip
