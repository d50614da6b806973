from __future__ import annotations

import csv
import io
import uuid

import boto3
import httpx
import orjson

from taskapp.core.settings import Settings
from taskapp.exports.worker import ExportWorker
from tests.factories import assert_error, create_task, make_team


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
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
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
            assert await worker.poll_once(wait_seconds=0) == 1
        finally:
            await worker.close()
        after = (await client.get(f"/api/projects/{team.project_id}/exports/{started['id']}",
                                  headers=team.owner.headers)).json()  # fmt: skip
        assert after["status"] == "done" and after["row_count"] == 1

    async def test_malformed_and_unknown_messages_are_dropped(
        self, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        worker = ExportWorker(settings)
        try:
            for body in ("not json", '{"job_id": "00000000-0000-0000-0000-000000000000"}'):
                await worker.aws.call(
                    worker.aws.sqs.send_message, QueueUrl=worker.queue_url, MessageBody=body
                )
            assert await worker.poll_once(wait_seconds=0) == 2
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
