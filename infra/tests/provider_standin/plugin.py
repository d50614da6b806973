"""The stand-in provider's process: go-plugin handshake, AutoMTLS, tfplugin6 over gRPC.

Terraform starts a provider executable with the client's certificate in PLUGIN_CLIENT_CERT
and reads one handshake line from its stdout:
`1|6|tcp|127.0.0.1:<port>|grpc|<server certificate, DER, base64 without padding>`.
It then speaks HTTP/2 over mutual TLS to that address and trusts only that certificate.

grpcio's TLS cannot take Terraform's ECDSA P-521 client certificate, so the TLS end is
Python's ssl module (OpenSSL): it requires exactly Terraform's certificate, negotiates "h2"
by ALPN (grpc-go refuses a server without it) and relays the plaintext bytes to a gRPC server
that listens on loopback only.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import os
import socket
import ssl
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from provider import Provider, service_handlers

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION = 1
APP_PROTOCOL_VERSION = 6


def server_certificate() -> tuple[bytes, bytes, bytes]:
    """A fresh self-signed certificate for "localhost", as go-plugin makes its own."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"),
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(hours=12))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_encipherment=True,
                key_cert_sign=True,
                content_commitment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key_pem,
        cert.public_bytes(serialization.Encoding.DER),
    )


def tls_context(client_cert_pem: str, cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=client_cert_pem)
    context.set_alpn_protocols(["h2"])
    with tempfile.TemporaryDirectory() as tmp:
        cert_file, key_file = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_file.write_bytes(cert_pem)
        key_file.touch(mode=0o600)
        key_file.write_bytes(key_pem)
        context.load_cert_chain(cert_file, key_file)
    return context


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _serve_tls_connection(raw: socket.socket, context: ssl.SSLContext, backend_port: int) -> None:
    try:
        tls = context.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as error:
        # A client without Terraform's certificate ends here.
        print(f"standin: TLS handshake refused: {error}", file=sys.stderr)
        raw.close()
        return
    backend = socket.create_connection(("127.0.0.1", backend_port), timeout=10)
    backend.settimeout(None)
    threading.Thread(target=_pump, args=(backend, tls), daemon=True).start()
    _pump(tls, backend)


def _accept_loop(listener: socket.socket, context: ssl.SSLContext, backend_port: int) -> None:
    while True:
        raw, _ = listener.accept()
        threading.Thread(
            target=_serve_tls_connection, args=(raw, context, backend_port), daemon=True
        ).start()


def main() -> None:
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print(
            "This is a Terraform provider plugin (the offline stand-in); Terraform starts it.",
            file=sys.stderr,
        )
        sys.exit(1)
    versions = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", str(APP_PROTOCOL_VERSION)).split(",")
    if str(APP_PROTOCOL_VERSION) not in versions:
        print(f"standin: Terraform offers protocols {versions}; only 6 is served", file=sys.stderr)
        sys.exit(1)

    provider_name = Path(sys.argv[0]).name.removeprefix("terraform-provider-").split("_")[0]
    stop = threading.Event()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)],
    )
    server.add_generic_rpc_handlers(service_handlers(Provider(provider_name), stop))
    backend_port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    if client_cert:
        cert_pem, key_pem, cert_der = server_certificate()
        context = tls_context(client_cert, cert_pem, key_pem)
        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        threading.Thread(
            target=_accept_loop, args=(listener, context, backend_port), daemon=True
        ).start()
        cert_field = base64.b64encode(cert_der).decode().rstrip("=")
    else:
        port, cert_field = backend_port, ""

    line = f"{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|tcp|127.0.0.1:{port}|grpc|{cert_field}"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    stop.wait()
    server.stop(grace=1)


if __name__ == "__main__":
    main()
