"""Invitation e-mail through SES (issue 11, ADR 0105), against the AWS emulator: with a sender
address set, the invitee gets the absolute link by e-mail, from that address, with the
configuration set; a delivery SES refuses still leaves the invitation (the owner has the link)
and logs no token; without an address nothing is e-mailed (the copy-link flow)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3
import httpx
import pytest

from taskapp.core.settings import Settings
from tests.conftest import Stack
from tests.factories import create_project, invite, sign_up, token_of
from tests.partition import serving, settings_with

APP_URL = "https://tasks.example.com"


def _sent_to(stack: Stack, address: str) -> list[dict[str, Any]]:
    """The messages the emulator's SES accepted for `address` (its model dump)."""
    dump = httpx.get(f"{stack.endpoints.aws_endpoint_url}/moto-api/data.json", timeout=10).json()
    messages: list[dict[str, Any]] = dump.get("ses", {}).get("Message", [])
    return [m for m in messages if address in m.get("destinations", {}).get("ToAddresses", [])]


@pytest.fixture
def sending_domain(stack: Stack) -> str:
    """A domain identity the emulator's SES treats as verified (Terraform's email module makes
    and verifies it in AWS)."""
    domain = f"mail-{secrets.token_hex(4)}.example.com"
    ses = boto3.client(
        "sesv2", endpoint_url=stack.endpoints.aws_endpoint_url, region_name="us-east-1"
    )
    ses.create_email_identity(EmailIdentity=domain)
    return domain


def _email_settings(stack: Stack, domain: str) -> Settings:
    return settings_with(
        stack.settings,
        email_from_address=f"no-reply@{domain}",
        email_configuration_set="taskapp-test",
        public_app_url=APP_URL,
    )


async def test_the_invitee_gets_the_absolute_link_by_email(
    stack: Stack, sending_domain: str
) -> None:
    async with serving(_email_settings(stack, sending_domain)) as (_, client):
        owner = await sign_up(client, "owner")
        project = await create_project(client, owner, "Apollo\nlaunch")
        invitee = f"invitee-{secrets.token_hex(4)}@example.org"
        answer = await invite(client, project, owner, invitee, role="viewer")
        sent = _sent_to(stack, invitee)
        assert len(sent) == 1, sent
        message = sent[0]
        assert message["source"] == f"no-reply@{sending_domain}"
        assert f"{APP_URL}/invitations/{token_of(answer)}" in message["body"]
        assert "as a viewer" in message["body"]
        # Someone's project name cannot break the subject line.
        assert "\n" not in message["subject"] and "Apollo launch" in message["subject"]


async def test_a_refused_delivery_keeps_the_invitation_and_logs_no_token(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    unverified = f"unverified-{secrets.token_hex(4)}.example.com"
    async with serving(_email_settings(stack, unverified)) as (_, client):
        owner = await sign_up(client, "owner")
        project = await create_project(client, owner)
        invitee = f"invitee-{secrets.token_hex(4)}@example.org"
        capsys.readouterr()
        answer = await invite(client, project, owner, invitee)
        assert answer["link"].startswith("/invitations/")
        assert _sent_to(stack, invitee) == []
        log = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
        failures = [r for r in log if r["message"] == "invitation delivery failed"]
        assert len(failures) == 1 and "MessageRejected" in failures[0]["exc_info"]
        token = token_of(answer)
        assert all(token not in json.dumps(record) for record in log)


async def test_without_a_sender_address_nothing_is_emailed(
    stack: Stack, sending_domain: str
) -> None:
    async with serving(settings_with(stack.settings, public_app_url=APP_URL)) as (_, client):
        owner = await sign_up(client, "owner")
        project = await create_project(client, owner)
        invitee = f"invitee-{secrets.token_hex(4)}@example.org"
        await invite(client, project, owner, invitee)
        assert _sent_to(stack, invitee) == []


def test_a_sender_address_needs_the_apps_public_address(stack: Stack) -> None:
    with pytest.raises(ValueError, match="APP_PUBLIC_APP_URL"):
        settings_with(stack.settings, email_from_address="no-reply@mail.example.com")
