"""The local edge: static SPA with fallback and cache headers, `/api` forwarded unchanged,
and the security headers from the one JSON file shared with Terraform."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from taskapp_ops.dev import EdgeCertificate, wait_for_http
from taskapp_ops.edge import (
    DEFAULT_HEADERS_FILE,
    EVENTS_PATH_PATTERN,
    IMMUTABLE,
    NO_CACHE,
    create_app,
    load_security_headers,
    main,
    negotiated_encoding,
    path_pattern_regex,
)
from taskapp_ops.services import ManagedProcess, free_port

S3 = "http://127.0.0.1:4566"
ORIGIN_SECRET = "local-edge-origin-secret-0123456789abcdef"
INDEX = "<!doctype html><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-AbC123xy.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside dist")
    return tmp_path


async def _upstream(request: httpx.Request) -> httpx.Response:
    """A stand-in API that echoes what reached it."""
    await request.aread()
    if request.url.path == "/api/down":
        raise httpx.ConnectError("refused", request=request)
    body = {
        "method": request.method,
        "path": request.url.raw_path.decode(),
        "body": request.content.decode(),
        "authorization": request.headers.get("authorization"),
        "host": request.headers.get("host"),
        "forwarded_for": request.headers.get("x-forwarded-for"),
        "origin_verify": request.headers.get_list("x-origin-verify"),
        "connection": request.headers.get("connection"),
    }
    headers = {"x-frame-options": "SAMEORIGIN", "etag": '"3"', "cache-control": "no-store"}
    # A streamed body, as a real transport gives (the edge relays it chunk by chunk).
    content = json.dumps(body).encode()
    headers["content-type"] = "application/json"
    return httpx.Response(201, headers=headers, stream=httpx.ByteStream(content))


def _client(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://edge.test")


@pytest.fixture
async def client(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    headers = load_security_headers(DEFAULT_HEADERS_FILE, S3)
    app = create_app(
        dist,
        "http://api.internal:8000",
        headers,
        httpx.MockTransport(_upstream),
        origin_verify=("X-Origin-Verify", ORIGIN_SECRET),
    )
    async with _client(app) as http:
        yield http


def test_the_shared_header_file_is_flat_and_complete() -> None:
    raw = json.loads(DEFAULT_HEADERS_FILE.read_text())
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items())
    names = {k.lower() for k in raw}
    assert {
        "strict-transport-security",
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
        "permissions-policy",
    } <= names
    assert "{s3_origin}" in raw["Content-Security-Policy"]


def test_s3_origin_fills_connect_src_and_an_empty_one_leaves_no_gap(tmp_path: Path) -> None:
    csp = load_security_headers(DEFAULT_HEADERS_FILE, S3 + "/")["Content-Security-Policy"]
    assert f"connect-src 'self' {S3};" in csp
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    empty = load_security_headers(DEFAULT_HEADERS_FILE, "")["Content-Security-Policy"]
    assert "connect-src 'self';" in empty


def test_a_header_file_that_is_not_flat_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "headers.json"
    bad.write_text(json.dumps({"X-Frame-Options": {"value": "DENY"}}))
    with pytest.raises(ValueError, match="flat JSON object"):
        load_security_headers(bad, S3)


async def test_index_and_spa_routes_are_never_cached(client: httpx.AsyncClient) -> None:
    for path in ("/", "/index.html", "/projects/123/tasks/456", "/login"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "id=root" in response.text
        assert response.headers["cache-control"] == NO_CACHE


async def test_hashed_assets_are_immutable_and_other_files_revalidate(
    client: httpx.AsyncClient,
) -> None:
    asset = await client.get("/assets/index-AbC123xy.js")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == IMMUTABLE
    assert "javascript" in asset.headers["content-type"]
    assert (await client.get("/favicon.svg")).headers["cache-control"] == NO_CACHE
    assert (await client.head("/")).status_code == 200


async def test_missing_files_with_an_extension_are_404_not_the_app(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/assets/index-gone.js")).status_code == 404
    assert (await client.get("/robots.txt")).status_code == 404
    assert (await client.post("/")).status_code == 405


async def test_no_path_escapes_dist(client: httpx.AsyncClient) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = await client.get(path)
        assert "outside dist" not in response.text, path


async def test_paths_no_file_can_have_are_the_app_or_a_404_not_a_500(
    client: httpx.AsyncClient,
) -> None:
    """A NUL in the path or a name longer than the file system allows raised out of the
    file lookup (ValueError, OSError: a 500 with a traceback)."""
    for path in ["/%00", "/" + "a" * 5000, "/projects/%00x"]:
        response = await client.get(path)
        assert (response.status_code, response.text) == (200, INDEX), path
    for path in ["/a%00.js", "/assets/x.js%00", "/" + "a" * 5000 + ".js"]:
        assert (await client.get(path)).status_code == 404, path


@pytest.mark.parametrize("path", ["/", "/assets/index-AbC123xy.js", "/nope.js", "/api/x"])
async def test_every_response_has_the_security_headers(
    client: httpx.AsyncClient, path: str
) -> None:
    expected = load_security_headers(DEFAULT_HEADERS_FILE, S3)
    response = await client.get(path)
    for name, value in expected.items():
        assert response.headers.get_list(name) == [value], (path, name)


async def test_api_requests_are_forwarded_unchanged(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/projects/1/tasks?sort=-created_at&q=a%20b",
        content=b'{"title":"x"}',
        headers={"authorization": "Bearer t", "content-type": "application/json"},
    )
    assert response.status_code == 201
    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/api/projects/1/tasks?sort=-created_at&q=a%20b"
    assert seen["body"] == '{"title":"x"}'
    assert seen["authorization"] == "Bearer t"
    assert seen["host"] == "api.internal:8000"
    assert seen["forwarded_for"] == "203.0.113.7"
    # The API's own headers pass, except where the edge policy overrides (as CloudFront does).
    assert response.headers["etag"] == '"3"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"


async def test_an_unreachable_api_is_a_502_in_the_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/down")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "bad_gateway"


@contextlib.asynccontextmanager
async def _edge_before_socket_api(
    dist: Path,
    handle: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None] | None],
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the edge in front of a real socket (the edge's HTTP/1.1 client then checks
    what it sends, as with the API; the stand-in transport does not)."""
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, _client(create_app(dist, f"http://127.0.0.1:{port}", {})) as http:
        yield http


async def test_header_values_pass_to_a_real_api_and_back_as_octets_without_whitespace(
    dist: Path,
) -> None:
    """`curl -H "Authorization: Bearer "` sends the space; HTTP/1.1 clients (h11) refuse to
    send a value with surrounding whitespace, which is not part of the value (RFC 9110 5.5),
    and the edge answered "The API is not reachable" (502) where the API itself says what is
    wrong with it (401). A value with an octet over 127 (é in Latin-1) was a 500: httpx
    encodes str values as ASCII. Both ways the octets pass as they are."""
    seen: list[bytes] = []

    async def api(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head)
        writer.write(
            b"HTTP/1.1 401 Unauthorized\r\nx-reply: caf\xc3\xa9 \xe2\x82\xac\r\n"
            b"content-length: 0\r\nconnection: close\r\n\r\n"
        )
        await writer.drain()
        writer.close()

    async with _edge_before_socket_api(dist, api) as http:
        response = await http.get(
            "/api/auth/me",
            headers=[
                (b"authorization", b"Bearer "),
                (b"x-note", b" a b "),
                (b"x-name", b"caf\xe9"),
            ],
        )
    assert response.status_code == 401
    assert b"\r\nauthorization: Bearer\r\n" in seen[0]
    assert b"\r\nx-note: a b\r\n" in seen[0]
    assert b"\r\nx-name: caf\xe9\r\n" in seen[0]
    assert (b"x-reply", "café €".encode()) in response.headers.raw


async def test_a_header_http_cannot_carry_is_a_400_that_names_no_value(dist: Path) -> None:
    """A value that HTTP/1.1 to the API cannot carry (here a NUL, which the ASGI interface
    lets through) is the request's fault: 400 in the error shape, not "The API is not
    reachable"; the value, perhaps a token, is not repeated."""
    async with _edge_before_socket_api(dist, lambda _r, w: w.close()) as http:
        response = await http.get("/api/auth/me", headers={"authorization": "Bearer a\x00b"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and "control characters" in error["message"]
    assert "Bearer" not in response.text


async def test_without_a_build_the_app_explains_what_to_run(tmp_path: Path) -> None:
    app = create_app(tmp_path / "missing", "http://api", {}, httpx.MockTransport(_upstream))
    async with _client(app) as http:
        response = await http.get("/")
    assert response.status_code == 404
    assert "npm --prefix frontend" in response.text


async def test_api_requests_carry_the_origin_proof_and_never_the_client_s(
    client: httpx.AsyncClient,
) -> None:
    """As CloudFront adds its secret origin header (and overwrites one the viewer sent), so
    does the local edge: the API trusts X-Forwarded-For only with this proof."""
    response = await client.get("/api/x", headers={"X-Origin-Verify": "guessed by the client"})
    assert response.json()["origin_verify"] == [ORIGIN_SECRET]
    assert "x-origin-verify" not in response.headers


async def _session_upstream(request: httpx.Request) -> httpx.Response:
    """A stand-in of the auth routes: echoes the cookie and sets two (rotation, then more)."""
    await request.aread()
    body = {
        "cookie": request.headers.get_list("cookie"),
        "requested_with": request.headers.get("x-requested-with"),
        "fetch_site": request.headers.get("sec-fetch-site"),
    }
    return httpx.Response(
        200,
        stream=httpx.ByteStream(json.dumps(body).encode()),  # streamed, as a real transport
        headers=[
            ("content-type", "application/json"),
            ("set-cookie", "taskapp_refresh=new; Path=/api/auth; Max-Age=60; HttpOnly; Secure; "
                           "SameSite=Strict"),
            ("set-cookie", "other=1; Path=/api/auth"),
        ],
    )  # fmt: skip


async def test_the_session_cookie_passes_both_ways_on_the_auth_routes_only(
    dist: Path,
) -> None:
    """ADR 0074: the browser's session cookie reaches the API on /api/auth/* with the
    headers of the cross-site guard, and every Set-Cookie comes back as the API wrote it;
    the rest of the API gets no cookie, as behind CloudFront."""
    app = create_app(dist, "http://api", {}, httpx.MockTransport(_session_upstream))
    sent = {
        "cookie": "taskapp_refresh=old",
        "x-requested-with": "fetch",
        "sec-fetch-site": "same-origin",
    }
    async with _client(app) as http:
        auth = await http.post("/api/auth/refresh", headers=sent)
        other = await http.get("/api/projects", headers=sent)
    assert auth.json() == {
        "cookie": ["taskapp_refresh=old"],
        "requested_with": "fetch",
        "fetch_site": "same-origin",
    }
    assert auth.headers.get_list("set-cookie") == [
        "taskapp_refresh=new; Path=/api/auth; Max-Age=60; HttpOnly; Secure; SameSite=Strict",
        "other=1; Path=/api/auth",
    ]
    assert other.json()["cookie"] == []
    assert other.json()["requested_with"] == "fetch"


def test_dev_gives_the_api_and_the_edge_one_generated_origin_secret() -> None:
    from taskapp_ops.dev import app_environment, edge_environment
    from taskapp_ops.services import ServiceEndpoints

    endpoints = ServiceEndpoints("postgresql://u:p@h/db", "redis://h:6379/0", None)
    first = app_environment(endpoints, "queue", 8000, {})
    second = app_environment(endpoints, "queue", 8000, {})
    secret = first["APP_ORIGIN_VERIFY_SECRET"]
    assert len(secret) >= 32 and secret != second["APP_ORIGIN_VERIFY_SECRET"]
    assert first["APP_FORWARDED_HOPS"] == "1"
    edge = edge_environment(first, {"PATH": "/bin"})
    assert edge["APP_ORIGIN_VERIFY_SECRET"] == secret
    assert edge["APP_ORIGIN_VERIFY_HEADER"] == first["APP_ORIGIN_VERIFY_HEADER"]


@pytest.mark.parametrize(("accepted", "encoding"), [("br, gzip", "br"), ("gzip", "gzip")])
async def test_the_site_is_compressed_as_cloudfront_does(
    dist: Path, client: httpx.AsyncClient, accepted: str, encoding: str
) -> None:
    bundle = "const board = " + json.dumps(["a task title"] * 400) + ";\n"
    (dist / "assets" / "board-Xy12AbCd.js").write_text(bundle)
    asset = await client.get("/assets/board-Xy12AbCd.js", headers={"Accept-Encoding": accepted})
    assert asset.headers["content-encoding"] == encoding
    assert asset.text == bundle  # httpx decodes both
    assert int(asset.headers["content-length"]) < len(bundle) / 5
    small = await client.get("/favicon.svg", headers={"Accept-Encoding": accepted})
    assert "content-encoding" not in small.headers  # under CloudFront's 1,000-byte floor


# ADR 0107: the API's JSON compressed as CloudFront compresses it (its API behaviours' cache
# policies enable gzip and Brotli), never its live-update streams (ADR 0104).
BOARD_PAGE = json.dumps(
    {"items": [{"id": n, "title": f"task {n}", "status": "todo"} for n in range(200)]}
).encode()


async def _api_origin(request: httpx.Request) -> httpx.Response:
    """A stand-in API: what each path answers, with the headers a real one sends."""
    await request.aread()
    json_type = "application/json"
    answers: dict[str, tuple[str, bytes, dict[str, str]]] = {
        "/api/projects/p1/tasks": (json_type, BOARD_PAGE, {"etag": '"7"'}),
        "/api/projects/p1/tasks/t1": (json_type, b'{"id": "t1", "version": 7}', {"etag": '"7"'}),
        "/api/weak": (json_type, BOARD_PAGE, {"etag": 'W/"7"'}),
        "/api/invalid-etag": (json_type, BOARD_PAGE, {"etag": "7"}),
        "/api/projects/p1/events": ("text/event-stream", b": ping\n\n" * 500, {}),
        "/api/blob": ("application/octet-stream", BOARD_PAGE, {}),
        "/api/encoded": (json_type, gzip.compress(BOARD_PAGE), {"content-encoding": "gzip"}),
        "/api/huge": (json_type, b" " * 10_000_001, {}),
    }
    if request.url.path == "/api/unsized":  # streamed: no Content-Length, as CloudFront needs
        return httpx.Response(
            200,
            headers={"content-type": json_type, "cache-control": "no-store"},
            stream=httpx.ByteStream(BOARD_PAGE),
        )
    content_type, body, extra = answers[request.url.path]
    headers = {
        "content-type": content_type,
        "content-length": str(len(body)),
        "cache-control": "no-store",
        **extra,
    }
    return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))


@pytest.fixture
async def api_client(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dist, "http://api", {}, httpx.MockTransport(_api_origin))
    async with _client(app) as http:
        yield http


@pytest.mark.parametrize(
    ("accepted", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("br", "br"), ("gzip, deflate", "gzip"), ("gzip", "gzip")],
)
async def test_api_json_is_compressed_as_cloudfront_does(
    api_client: httpx.AsyncClient, accepted: str, encoding: str
) -> None:
    response = await api_client.get("/api/projects/p1/tasks", headers={"Accept-Encoding": accepted})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == encoding
    assert int(response.headers["content-length"]) < len(BOARD_PAGE) / 5
    assert response.content == BOARD_PAGE  # httpx decodes both
    # Never stored on the way, as the API asked; CloudFront weakens a strong ETag it
    # compressed (the API's If-Match takes W/"7" as "7").
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["etag"] == 'W/"7"'
    assert "accept-encoding" in response.headers["vary"].lower()


async def test_api_etags_on_compressed_answers_follow_cloudfront(
    api_client: httpx.AsyncClient,
) -> None:
    weak = await api_client.get("/api/weak", headers={"Accept-Encoding": "br"})
    assert weak.headers["content-encoding"] == "br" and weak.headers["etag"] == 'W/"7"'
    invalid = await api_client.get("/api/invalid-etag", headers={"Accept-Encoding": "br"})
    assert invalid.headers["content-encoding"] == "br" and "etag" not in invalid.headers


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/api/projects/p1/tasks/t1", "under 1,000 bytes"),
        ("/api/projects/p1/events", "the live-update stream (ADR 0104)"),
        ("/api/blob", "a content type CloudFront does not compress"),
        ("/api/unsized", "no Content-Length"),
        ("/api/huge", "over 10,000,000 bytes"),
    ],
)
async def test_api_answers_cloudfront_would_not_compress_pass_unchanged(
    api_client: httpx.AsyncClient, path: str, why: str
) -> None:
    response = await api_client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200, why
    assert "content-encoding" not in response.headers, why
    assert response.headers.get("etag") in {None, '"7"'}, why


async def test_api_answers_already_encoded_or_not_asked_for_pass_unchanged(
    api_client: httpx.AsyncClient,
) -> None:
    encoded = await api_client.get("/api/encoded", headers={"Accept-Encoding": "br, gzip"})
    assert encoded.headers["content-encoding"] == "gzip"
    assert encoded.content == BOARD_PAGE  # compressed once, by the origin
    for accepted in ("identity", "deflate", "br;q=0, gzip;q=0"):
        plain = await api_client.get(
            "/api/projects/p1/tasks", headers={"Accept-Encoding": accepted}
        )
        assert "content-encoding" not in plain.headers, accepted
        assert plain.content == BOARD_PAGE
        assert plain.headers["etag"] == '"7"'
    head = await api_client.head("/api/projects/p1/tasks", headers={"Accept-Encoding": "br"})
    assert "content-encoding" not in head.headers


def test_http_1_0_gets_nothing_compressed_and_brotli_wins() -> None:
    assert negotiated_encoding("gzip, br") == "br"
    assert negotiated_encoding("GZIP;q=0.5") == "gzip"
    assert negotiated_encoding("br;q=0.0, gzip") == "gzip"
    assert negotiated_encoding("gzip, br", http_version="1.0") is None


def test_the_uncompressed_path_is_the_terraform_events_behaviour() -> None:
    """The local edge leaves uncompressed what CloudFront's events behaviour leaves
    uncompressed: the edge module's `api_events_path_pattern`, matched as CloudFront does."""
    variables = (DEFAULT_HEADERS_FILE.parent / "variables.tf").read_text()
    block = variables.split('variable "api_events_path_pattern"', 1)[1]
    default = re.search(r'default\s*=\s*"([^"]+)"', block)
    assert default is not None and default.group(1) == EVENTS_PATH_PATTERN
    pattern = path_pattern_regex(EVENTS_PATH_PATTERN)
    assert pattern.match("/api/projects/0b6f-11/events")
    assert not pattern.match("/api/projects/0b6f-11/events/x")
    assert not pattern.match("/api/projects/0b6f-11/tasks")


def test_over_tls_the_edge_speaks_http2_as_cloudfront_with_the_same_answers(
    dist: Path, tmp_path: Path
) -> None:
    certificate = EdgeCertificate(tmp_path)
    port = free_port()
    argv = [sys.executable, "-m", "taskapp_ops.edge", "--port", str(port), "--dist", str(dist)]
    argv += ["--api-url", f"http://127.0.0.1:{free_port()}"]  # nothing listens: a 502
    argv += ["--tls-cert", str(certificate.chain), "--tls-key", str(certificate.key)]
    edge = ManagedProcess("edge", argv, port, tmp_path / "edge.log")
    base = f"https://127.0.0.1:{port}"
    trust = certificate.client_context()
    edge.start()
    try:
        wait_for_http(f"{base}/", 30, edge, trust)
        with httpx.Client(base_url=base, http2=True, verify=trust, timeout=5) as http2:
            page = http2.get("/projects/1")
            assert page.http_version == "HTTP/2"
            assert page.status_code == 200 and "<div id=root>" in page.text
            assert page.headers["cache-control"] == NO_CACHE
            for name, value in load_security_headers(DEFAULT_HEADERS_FILE, "").items():
                assert page.headers.get_list(name) == [value], name
            asset = http2.get("/assets/index-AbC123xy.js")
            assert asset.headers["cache-control"] == IMMUTABLE
            api = http2.get("/api/auth/me")
            assert api.status_code == 502 and api.json()["error"]["code"] == "bad_gateway"
        # A client without HTTP/2 is served over HTTP/1.1 (ALPN), as CloudFront serves it.
        with httpx.Client(base_url=base, verify=trust, timeout=5) as http1:
            page = http1.get("/")
            assert (page.http_version, page.status_code) == ("HTTP/1.1", 200)
        # Only the run's own authority vouches for it: the system's do not.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{base}/", timeout=5)
    finally:
        edge.stop()
    assert not edge.running
    assert "Traceback" not in (tmp_path / "edge.log").read_text()
    assert certificate.key.stat().st_mode & 0o777 == 0o600


def test_a_certificate_without_its_key_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--api-url", "http://127.0.0.1:1", "--tls-cert", "chain.pem"])
    assert exit_.value.code == 2
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
