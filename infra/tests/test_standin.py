"""The stand-in provider's handshake and mutual TLS, seen from a client as Terraform is one.

Terraform trusts only the certificate in the plugin's handshake line and presents its own,
which the plugin must require: a client without it, or with another one, is refused.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from terraform import INFRA, STANDIN, STANDIN_PYTHON, Workspace

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


@dataclass
class ClientCertificate:
    cert_pem: bytes
    key_pem: bytes


def client_certificate() -> ClientCertificate:
    """A certificate like the one Terraform makes for each plugin: ECDSA P-521, self-signed."""
    key = ec.generate_private_key(ec.SECP521R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA512())
    )
    return ClientCertificate(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


@dataclass
class RunningPlugin:
    port: int
    server_cert_pem: str
    handshake: list[str]


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[tuple[RunningPlugin, ClientCertificate]]:
    if not STANDIN_PYTHON.exists():
        pytest.fail(f"{STANDIN_PYTHON} is missing: run `make standin`")
    certificate = client_certificate()
    process = subprocess.Popen(
        [str(STANDIN_PYTHON), str(STANDIN / "plugin.py")],
        env={
            **os.environ,
            "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE,
            "PLUGIN_PROTOCOL_VERSIONS": "5,6",
            "PLUGIN_CLIENT_CERT": certificate.cert_pem.decode(),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        fields = process.stdout.readline().strip().split("|")
        der = base64.b64decode(fields[5] + "=" * (-len(fields[5]) % 4))
        server_pem = ssl.DER_cert_to_PEM_cert(der)
        yield RunningPlugin(int(fields[3].rsplit(":", 1)[1]), server_pem, fields), certificate
    finally:
        process.kill()
        process.wait(timeout=10)


def _connect(
    port: int, server_pem: str, cert: ClientCertificate | None, tmp: Path
) -> ssl.SSLSocket:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=server_pem)
    context.set_alpn_protocols(["h2"])
    if cert is not None:
        (tmp / "c.pem").write_bytes(cert.cert_pem)
        (tmp / "k.pem").write_bytes(cert.key_pem)
        context.load_cert_chain(tmp / "c.pem", tmp / "k.pem")
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    tls = context.wrap_socket(raw, server_hostname="localhost")
    # TLS 1.3 reports a refused client certificate on the first read, not in the handshake.
    tls.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    tls.recv(1)
    return tls


def test_handshake_line_announces_protocol_6_over_grpc(
    plugin: tuple[RunningPlugin, ClientCertificate],
) -> None:
    running, _ = plugin
    core, app, network, address, protocol, _cert = running.handshake
    assert (core, app, network, protocol) == ("1", "6", "tcp", "grpc")
    assert address.startswith("127.0.0.1:")


def test_terraforms_certificate_is_accepted_with_h2(
    plugin: tuple[RunningPlugin, ClientCertificate], tmp_path: Path
) -> None:
    running, certificate = plugin
    tls = _connect(running.port, running.server_cert_pem, certificate, tmp_path)
    assert tls.selected_alpn_protocol() == "h2"
    tls.close()


@pytest.mark.parametrize("presented", ["none", "another"])
def test_a_client_without_terraforms_certificate_is_refused(
    plugin: tuple[RunningPlugin, ClientCertificate], tmp_path: Path, presented: str
) -> None:
    running, _ = plugin
    other = None if presented == "none" else client_certificate()
    with pytest.raises((ssl.SSLError, ConnectionError)):
        _connect(running.port, running.server_cert_pem, other, tmp_path)


def test_the_binary_is_the_oldest_terraform_the_code_admits(workspace: Workspace) -> None:
    """required_version is ">= 1.11" everywhere; the tests run 1.11 so that nothing newer
    (1.12 short-circuits `||`, for one) hides a failure a 1.11 user would meet."""
    version = json.loads(workspace.run(workspace.root, "version", "-json").check().stdout)
    found = version["terraform_version"]
    constraints = {
        line.split("=", 1)[1].strip().strip('"')
        for path in INFRA.rglob("versions.tf")
        for line in path.read_text().splitlines()
        if line.strip().startswith("required_version")
    }
    assert constraints == {">= 1.11"}, constraints
    if os.environ.get("TERRAFORM_REQUIRED") == "1":
        assert found.startswith("1.11."), (
            f"CI must test the oldest admitted Terraform (1.11.x), not {found}"
        )
