from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import httpx
import pytest

from taskapp.attachments.service import MAX_ATTACHMENTS_PER_TASK
from taskapp.attachments.storage import PENDING_PREFIX
from taskapp.core.settings import Settings
from taskapp.exports.worker import ExportWorker
from taskapp_ops.provision import PENDING_UPLOADS_EXPIRATION_DAYS
from tests.conftest import Stack
from tests.factories import Team, assert_error, create_task, make_team, post_to_s3, run_sql

REPO = Path(__file__).resolve().parents[2]

CONTENT = b"hello, attachment \x00\x01\x02 bytes"


@pytest.fixture
async def team(client: httpx.AsyncClient) -> Team:
    return await make_team(client)


async def start_upload(
    client: httpx.AsyncClient, team: Team, task_id: str, size: int, content_type: str = "text/plain"
) -> httpx.Response:
    return await client.post(
        f"/api/projects/{team.project_id}/tasks/{task_id}/attachments",
        json={"filename": "notes ü.txt", "content_type": content_type, "size_bytes": size},
        headers=team.member.headers,
    )


class TestUploadFlow:
    async def test_upload_confirm_list_download_delete(
        self, client: httpx.AsyncClient, team: Team, s3: object
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        base = f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments"
        ticket = (await start_upload(client, team, task["id"], len(CONTENT))).json()
        assert ticket["attachment"]["status"] == "pending"
        # Not visible before it is confirmed, and cannot be confirmed before the upload.
        assert (await client.get(base, headers=team.viewer.headers)).json()["items"] == []
        early = await client.post(
            f"{base}/{ticket['attachment']['id']}/confirm", headers=team.member.headers
        )
        assert_error(early, 409, "conflict")

        uploaded = await post_to_s3(ticket, CONTENT)
        assert uploaded.status_code in (200, 201, 204), uploaded.text
        confirmed = await client.post(
            f"{base}/{ticket['attachment']['id']}/confirm", headers=team.member.headers
        )
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "ready"
        # Moved out of the pending prefix (which S3 expires) to its own key.
        pending_key = ticket["upload"]["fields"]["key"]
        assert s3.list_objects_v2(Bucket="taskapp-test", Prefix=pending_key).get("KeyCount", 0) == 0  # type: ignore[attr-defined]
        final_key = f"projects/{team.project_id}/tasks/{task['id']}/attachments/{ticket['attachment']['id']}"
        assert s3.head_object(Bucket="taskapp-test", Key=final_key)["ContentLength"] == len(CONTENT)  # type: ignore[attr-defined]
        again = await client.post(
            f"{base}/{ticket['attachment']['id']}/confirm", headers=team.member.headers
        )
        assert again.status_code == 200 and again.json()["status"] == "ready"  # idempotent
        listed = (await client.get(base, headers=team.viewer.headers)).json()["items"]
        assert [a["filename"] for a in listed] == ["notes ü.txt"]

        link = await client.get(
            f"{base}/{ticket['attachment']['id']}/download", headers=team.viewer.headers
        )
        assert link.status_code == 200
        async with httpx.AsyncClient() as s3_client:
            downloaded = await s3_client.get(link.json()["url"])
        assert downloaded.status_code == 200 and downloaded.content == CONTENT

        deleted = await client.delete(
            f"{base}/{ticket['attachment']['id']}", headers=team.member.headers
        )
        assert deleted.status_code == 204
        assert s3.list_objects_v2(Bucket="taskapp-test", Prefix=final_key).get("KeyCount", 0) == 0  # type: ignore[attr-defined]
        assert (await client.get(base, headers=team.viewer.headers)).json()["items"] == []

    async def test_deleting_the_task_removes_its_files(
        self, client: httpx.AsyncClient, team: Team, s3: object
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, task["id"], len(CONTENT))).json()
        await post_to_s3(ticket, CONTENT)
        key = ticket["upload"]["fields"]["key"]
        assert s3.list_objects_v2(Bucket="taskapp-test", Prefix=key)["KeyCount"] == 1  # type: ignore[attr-defined]
        await client.delete(
            f"/api/projects/{team.project_id}/tasks/{task['id']}", headers=team.owner.headers
        )
        assert s3.list_objects_v2(Bucket="taskapp-test", Prefix=key).get("KeyCount", 0) == 0  # type: ignore[attr-defined]

    async def test_a_file_of_another_size_is_not_confirmed(
        self, client: httpx.AsyncClient, team: Team, s3: object
    ) -> None:
        """moto does not enforce the POST policy's content-length-range (real S3 does, see
        docs/decisions/0003): the confirm step's HEAD check catches a different size."""
        task = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, task["id"], 3)).json()
        accepted = await post_to_s3(ticket, b"much more than three bytes")
        assert accepted.status_code < 300  # the emulator ignores the policy's size condition
        base = f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments"
        response = await client.post(
            f"{base}/{ticket['attachment']['id']}/confirm", headers=team.member.headers
        )
        assert_error(response, 409)
        key = ticket["upload"]["fields"]["key"]
        assert s3.list_objects_v2(Bucket="taskapp-test", Prefix=key).get("KeyCount", 0) == 0  # type: ignore[attr-defined]


class TestUploadPolicy:
    async def test_policy_pins_size_type_key_and_expiry(
        self, client: httpx.AsyncClient, team: Team, settings: object
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, task["id"], 1234, "application/pdf")).json()
        fields = ticket["upload"]["fields"]
        policy = json.loads(base64.b64decode(fields["policy"]))
        conditions = policy["conditions"]
        assert ["content-length-range", 1234, 1234] in conditions
        assert {"Content-Type": "application/pdf"} in conditions
        assert {"key": fields["key"]} in conditions
        assert {"bucket": "taskapp-test"} in conditions
        assert fields["key"] == (
            f"{PENDING_PREFIX}{team.project_id}/{task['id']}/{ticket['attachment']['id']}"
        )
        assert (
            "T" in policy["expiration"]
            and ticket["upload"]["expires_in"] == settings.presign_ttl_seconds
        )  # type: ignore[attr-defined]

    async def test_too_large_or_wrong_type_is_refused_up_front(
        self, client: httpx.AsyncClient, team: Team, settings: object
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        too_big = await start_upload(client, team, task["id"], settings.attachment_max_bytes + 1)  # type: ignore[attr-defined]
        assert_error(too_big, 413, "payload_too_large")
        wrong_type = await start_upload(client, team, task["id"], 10, "application/x-msdownload")
        assert_error(wrong_type, 422)

    @pytest.mark.parametrize(
        "payload",
        [
            {"filename": "../etc/passwd", "content_type": "text/plain", "size_bytes": 1},
            {"filename": "", "content_type": "text/plain", "size_bytes": 1},
            {"filename": "a.txt", "content_type": "text/plain", "size_bytes": 0},
            {"filename": "a.txt", "content_type": "not a type", "size_bytes": 1},
            {"filename": "a" * 256, "content_type": "text/plain", "size_bytes": 1},
        ],
    )
    async def test_bad_input(
        self, client: httpx.AsyncClient, team: Team, payload: dict[str, object]
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        response = await client.post(
            f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments",
            json=payload, headers=team.member.headers,
        )  # fmt: skip
        assert_error(response, 422)

    async def test_attachment_of_another_task_is_404(
        self, client: httpx.AsyncClient, team: Team
    ) -> None:
        first = await create_task(client, team.project_id, team.owner)
        second = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, first["id"], 3)).json()
        response = await client.get(
            f"/api/projects/{team.project_id}/tasks/{second['id']}/attachments/{ticket['attachment']['id']}/download",
            headers=team.owner.headers,
        )
        assert_error(response, 404)


class TestConfirmChecks:
    async def test_a_file_of_another_type_is_not_confirmed(
        self, client: httpx.AsyncClient, team: Team, s3: object
    ) -> None:
        """moto ignores the policy's Content-Type condition (real S3 refuses the POST): the
        confirm step must catch an object stored with another type than the one declared."""
        task = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, task["id"], len(CONTENT))).json()
        upload = ticket["upload"]
        upload["fields"] = {**upload["fields"], "Content-Type": "text/html"}
        accepted = await post_to_s3(ticket, CONTENT, "text/html")
        assert accepted.status_code < 300  # the emulator does not check the policy
        key = upload["fields"]["key"]
        assert s3.head_object(Bucket="taskapp-test", Key=key)["ContentType"] == "text/html"  # type: ignore[attr-defined]
        base = f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments"
        response = await client.post(
            f"{base}/{ticket['attachment']['id']}/confirm", headers=team.member.headers
        )
        assert_error(response, 409, "conflict")
        assert "type" in response.json()["error"]["message"]
        assert s3.list_objects_v2(Bucket="taskapp-test", Prefix=key).get("KeyCount", 0) == 0  # type: ignore[attr-defined]
        assert (await client.get(base, headers=team.viewer.headers)).json()["items"] == []


class TestPendingUploadsExpire:
    async def test_stale_pending_uploads_stop_counting_against_the_cap(
        self, client: httpx.AsyncClient, team: Team, stack: Stack, settings: Settings
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        for _ in range(MAX_ATTACHMENTS_PER_TASK):
            assert (await start_upload(client, team, task["id"], 3)).status_code == 201
        assert_error(await start_upload(client, team, task["id"], 3), 409, "conflict")
        # Their lifetime later, none of them was confirmed.
        await age_uploads(stack, settings)
        fresh = await start_upload(client, team, task["id"], 3)
        assert fresh.status_code == 201, fresh.text
        # The worker's sweep deletes the expired rows (their objects expire in S3).
        worker = ExportWorker(settings)
        try:
            assert (await worker.sweep()).expired_uploads == MAX_ATTACHMENTS_PER_TASK
        finally:
            await worker.close()
        rows = await run_sql(stack.admin_settings.sqlalchemy_database_url,
                             "SELECT id FROM attachments")  # fmt: skip
        assert [str(r[0]) for r in rows] == [fresh.json()["attachment"]["id"]]

    async def test_an_expired_upload_cannot_be_confirmed(
        self, client: httpx.AsyncClient, team: Team, stack: Stack, settings: Settings
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, task["id"], len(CONTENT))).json()
        assert (await post_to_s3(ticket, CONTENT)).status_code < 300
        await age_uploads(stack, settings)
        response = await client.post(
            f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments/"
            f"{ticket['attachment']['id']}/confirm",
            headers=team.member.headers,
        )
        assert_error(response, 409, "conflict")
        assert "expired" in response.json()["error"]["message"]

    async def test_a_ready_attachment_is_not_swept(
        self, client: httpx.AsyncClient, team: Team, stack: Stack, settings: Settings
    ) -> None:
        task = await create_task(client, team.project_id, team.owner)
        ticket = (await start_upload(client, team, task["id"], len(CONTENT))).json()
        await post_to_s3(ticket, CONTENT)
        base = f"/api/projects/{team.project_id}/tasks/{task['id']}/attachments"
        confirmed = await client.post(
            f"{base}/{ticket['attachment']['id']}/confirm", headers=team.member.headers
        )
        assert confirmed.status_code == 200, confirmed.text
        await age_uploads(stack, settings)
        worker = ExportWorker(settings)
        try:
            assert (await worker.sweep()).expired_uploads == 0
        finally:
            await worker.close()
        listed = (await client.get(base, headers=team.viewer.headers)).json()["items"]
        assert [a["id"] for a in listed] == [ticket["attachment"]["id"]]

    async def test_the_pending_prefix_expires_locally_as_in_aws(self, s3: object) -> None:
        """The emulator stores the rule without applying it; the rule and the prefix must be
        those Terraform gives the real bucket."""
        rules = s3.get_bucket_lifecycle_configuration(Bucket="taskapp-test")["Rules"]  # type: ignore[attr-defined]
        pending = [r for r in rules if r["Filter"].get("Prefix") == PENDING_PREFIX]
        assert [r["Expiration"]["Days"] for r in pending] == [PENDING_UPLOADS_EXPIRATION_DAYS]
        variables = (REPO / "infra/modules/storage/variables.tf").read_text()
        for name, expected in (("pending_uploads_prefix", f'"{PENDING_PREFIX}"'),
                               ("pending_uploads_expiration_days",
                                str(PENDING_UPLOADS_EXPIRATION_DAYS))):  # fmt: skip
            found = re.search(rf'variable "{name}" \{{.*?default\s*=\s*(\S+)', variables, re.S)
            assert found is not None and found[1] == expected, name
        # A pending upload never outlives its object: the row expires first.
        assert Settings.model_fields["attachment_pending_expiry_seconds"].metadata[-1].le <= (
            PENDING_UPLOADS_EXPIRATION_DAYS * 86400
        )


async def age_uploads(stack: Stack, settings: Settings) -> None:
    """Make every attachment row older than a pending upload's lifetime."""
    lifetime = max(settings.attachment_pending_expiry_seconds, settings.presign_ttl_seconds)
    await run_sql(stack.admin_settings.sqlalchemy_database_url,
                  "UPDATE attachments SET created_at = created_at - make_interval(secs => :s)",
                  s=lifetime + 1)  # fmt: skip
