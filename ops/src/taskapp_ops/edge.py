"""The local edge: what CloudFront does in AWS, for `make dev` and the browser tests.

- `/api/*` is forwarded to the API (to several in turn, as the ALB does) unchanged (method,
  path, query, body, headers less the hop-by-hop ones), with X-Forwarded-For/-Proto/-Host
  added as CloudFront adds them, and the secret origin header (`X-Origin-Verify`, from
  APP_ORIGIN_VERIFY_HEADER/_SECRET) as CloudFront's origin custom header: the API trusts
  X-Forwarded-For only with it (ADR 0087). One the client sent is replaced, as CloudFront does.
  Header values pass as octets both ways (any but controls: é in Latin-1, UTF-8 from the API),
  without surrounding whitespace, which is not part of a value (RFC 9110 5.5). What HTTP/1.1
  cannot carry to the API is a 400; an API that cannot be reached, a 502.
- Cookies reach the API only under `/api/auth/` (the session cookie, Path=/api/auth, ADR
  0074), as CloudFront's `/api/auth/*` behaviour forwards them and its `/api/*` behaviour
  does not; the API's Set-Cookie headers come back unchanged, each one.
- Everything else is the built SPA from `frontend/dist`: a file if it exists; an
  extension-less path gets `index.html` (the same rule as the `spa_routing` CloudFront
  Function in infra/modules/edge); a missing file with an extension is a 404.
- Every response carries the security headers of `infra/modules/edge/security_headers.json`,
  the one source of truth shared with the CloudFront response headers policy. Its values may
  contain `{s3_origin}`, replaced by the origin the browser uploads to (locally the emulator).
- Cache headers as the deploy tool sets them on S3 objects: content-hashed files under
  `/assets/` are immutable for a year, everything else (`index.html` first) is `no-cache`.
- Compression as CloudFront's: Brotli where the client accepts it, gzip otherwise, from 1,000
  bytes up. The site through BrotliMiddleware; the API (ADR 0107) by CloudFront's rules: the
  content types it compresses, 1,000 to 10,000,000 bytes, a Content-Length and no
  Content-Encoding from the origin, a strong ETag turned weak; never the live-update streams
  (`/api/projects/*/events`, ADR 0104), which pass untouched.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
import httpx
from brotli_asgi import BrotliMiddleware
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DIST = REPO_ROOT / "frontend" / "dist"
DEFAULT_HEADERS_FILE = REPO_ROOT / "infra" / "modules" / "edge" / "security_headers.json"
S3_ORIGIN_PLACEHOLDER = "{s3_origin}"

IMMUTABLE = "public, max-age=31536000, immutable"
# CloudFront compresses objects from 1,000 to 10,000,000 bytes; quality 5 (gzip level 6) is a
# fast setting for compressing on every request (CloudFront's own level is not published).
COMPRESSION_MINIMUM_BYTES = 1000
COMPRESSION_MAXIMUM_BYTES = 10_000_000
COMPRESSION_QUALITY = 5
GZIP_LEVEL = 6
# The Content-Type values CloudFront compresses ("File types that CloudFront compresses", in
# its developer guide's "Serve compressed files"); text/event-stream is not one of them.
COMPRESSIBLE_TYPES = frozenset(
    {
        "application/dash+xml",
        "application/eot",
        "application/font",
        "application/font-sfnt",
        "application/javascript",
        "application/json",
        "application/opentype",
        "application/otf",
        "application/pkcs7-mime",
        "application/protobuf",
        "application/rss+xml",
        "application/truetype",
        "application/ttf",
        "application/vnd.apple.mpegurl",
        "application/vnd.ms-fontobject",
        "application/xhtml+xml",
        "application/xml",
        "application/x-font-opentype",
        "application/x-font-truetype",
        "application/x-font-ttf",
        "application/x-httpd-cgi",
        "application/x-javascript",
        "application/x-mpegurl",
        "application/x-opentype",
        "application/x-otf",
        "application/x-perl",
        "application/x-ttf",
        "font/eot",
        "font/opentype",
        "font/otf",
        "font/ttf",
        "image/svg+xml",
        "text/css",
        "text/csv",
        "text/html",
        "text/javascript",
        "text/js",
        "text/plain",
        "text/richtext",
        "text/tab-separated-values",
        "text/xml",
        "text/x-component",
        "text/x-java-source",
        "text/x-script",
        "vnd.apple.mpegurl",
    }
)
# The edge module's `api_events_path_pattern`: the live-update streams' behaviour, which keeps
# CachingDisabled and so is never compressed (ADR 0104). ops/tests/test_edge.py checks that
# it is the Terraform default.
EVENTS_PATH_PATTERN = "/api/projects/*/events"
NO_CACHE = "no-cache"
HASHED_ASSETS_PREFIX = "/assets/"

# RFC 9110 section 7.6.1 plus the ones proxies must not forward.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    }
)
# The one path prefix whose requests carry the viewer's cookies to the API, as the
# `/api/auth/*` CloudFront behaviour (infra/modules/edge) forwards them; `/api/*` does not.
COOKIE_PATH_PREFIX = "/api/auth/"
# Set again by this server for its own response.
NOT_FORWARDED_BACK = HOP_BY_HOP | {"content-length", "date", "server"}


def load_security_headers(path: Path, s3_origin: str) -> dict[str, str]:
    """The header name -> value map, with `{s3_origin}` filled in (dropped when empty)."""
    raw = json.loads(path.read_text())
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise ValueError(f"{path}: expected a flat JSON object of header name -> value")
    origin = s3_origin.rstrip("/")
    headers = {}
    for name, value in raw.items():
        filled = value.replace(S3_ORIGIN_PLACEHOLDER, origin)
        # An empty origin leaves no stray space.
        headers[name] = " ".join(filled.split()).replace(" ;", ";")
    return headers


def cache_control_for(path: str) -> str:
    return IMMUTABLE if path.startswith(HASHED_ASSETS_PREFIX) else NO_CACHE


def path_pattern_regex(pattern: str) -> re.Pattern[str]:
    """A CloudFront behaviour's path pattern as a regex: `*` is any run of characters (`/`
    included), `?` exactly one."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("^" + "".join(parts) + "$")


def negotiated_encoding(accept_encoding: str, http_version: str = "1.1") -> str | None:
    """`br` or `gzip` as CloudFront picks them (Brotli when the client takes both), or None:
    an HTTP/1.0 request, or a client that takes neither (q=0 refuses one)."""
    if http_version == "1.0":
        return None
    accepted = set()
    for item in accept_encoding.split(","):
        name, _, parameters = item.partition(";")
        weight = parameters.strip().lower().replace(" ", "")
        if weight.startswith("q=") and weight[2:].rstrip("0").rstrip(".") in {"", "0"}:
            continue
        accepted.add(name.strip().lower())
    for encoding in ("br", "gzip"):
        if encoding in accepted:
            return encoding
    return None


def compressible(headers: httpx.Headers) -> bool:
    """Whether CloudFront would compress a response with these headers: not already encoded,
    a content type on its list, and a Content-Length from 1,000 to 10,000,000 bytes."""
    if "content-encoding" in headers:
        return False
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in COMPRESSIBLE_TYPES:
        return False
    length = headers.get("content-length", "")
    if not length.isdigit():
        return False
    return COMPRESSION_MINIMUM_BYTES <= int(length) <= COMPRESSION_MAXIMUM_BYTES


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        compressed: bytes = brotli.compress(
            body, mode=brotli.MODE_TEXT, quality=COMPRESSION_QUALITY
        )
        return compressed
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def weakened_etag(value: str) -> str | None:
    """CloudFront's ETag on a response it compressed: a strong one turns weak, a weak one
    stays, an invalid one (neither `"` nor `W/` first) is dropped."""
    if value.startswith("W/"):
        return value
    if value.startswith('"'):
        return "W/" + value
    return None


UNCOMPRESSED_API = path_pattern_regex(EVENTS_PATH_PATTERN)


class SecurityHeadersMiddleware:
    """Adds (and overrides, as the CloudFront policy does) the security headers."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                original = message.get("headers", [])
                kept = [(k, v) for k, v in original if k.lower() not in self.names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def api_encoding(request: Request, response: httpx.Response) -> str | None:
    """The encoding CloudFront would compress this API answer with, or None: never the
    live-update streams' behaviour, never an answer without a body."""
    if (
        request.method == "HEAD"
        or response.status_code in {204, 304}
        or UNCOMPRESSED_API.match(request.url.path)
        or not compressible(response.headers)
    ):
        return None
    return negotiated_encoding(
        request.headers.get("accept-encoding", ""), request.scope.get("http_version", "")
    )


async def compressed_response(
    response: httpx.Response, headers: Sequence[tuple[str, str]], encoding: str
) -> Response:
    """The origin's whole answer compressed, as CloudFront sends it (it knows the length
    beforehand: at most 10,000,000 bytes): Content-Encoding, the new length, a weak ETag, and
    `Vary: Accept-Encoding`."""
    try:
        body = await response.aread()
    finally:
        await response.aclose()
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() != "etag":
            kept.append((name, value))
        elif (weak := weakened_etag(value)) is not None:
            kept.append((name, weak))
    if not any(k.lower() == "vary" and "accept-encoding" in v.lower() for k, v in kept):
        kept.append(("vary", "Accept-Encoding"))
    content = compress(body, encoding)
    kept += [("content-encoding", encoding), ("content-length", str(len(content)))]
    compressed = Response(content, status_code=response.status_code)
    compressed.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept]
    return compressed


def _resolve_static(dist: Path, url_path: str) -> Path | None:
    """The file under dist for a URL path, or None; never a path outside dist."""
    relative = url_path.lstrip("/")
    if not relative:
        return None
    try:
        candidate = (dist / relative).resolve()
        if not candidate.is_relative_to(dist) or not candidate.is_file():
            return None
    except (ValueError, OSError):  # a NUL in the path, a name longer than the system allows
        return None
    return candidate


def _forwarded_headers(
    request: Request, origin_header: str | None, origin_verify: tuple[str, str] | None
) -> list[tuple[bytes, bytes]]:
    """The request's headers as CloudFront sends them to the ALB: hop-by-hop ones and cookies
    (but on the auth routes) dropped, X-Forwarded-* and the origin proof set by the edge."""
    dropped = HOP_BY_HOP
    if not request.url.path.startswith(COOKIE_PATH_PREFIX):
        dropped = HOP_BY_HOP | {"cookie"}
    # Surrounding whitespace is not part of a value (RFC 9110 5.5), and httpx refuses to send
    # it: `curl -H "Authorization: Bearer "` was a 502 here, a 401 from the API itself.
    headers = [
        (k, v.strip(" \t"))
        for k, v in request.headers.items()
        if k.lower() not in dropped
        and not k.lower().startswith("x-forwarded-")
        and k.lower() != origin_header
    ]
    if origin_verify is not None:
        headers.append(origin_verify)
    client_ip = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for")
    headers += [
        ("x-forwarded-for", f"{forwarded}, {client_ip}" if forwarded else client_ip),
        ("x-forwarded-proto", request.url.scheme),
        ("x-forwarded-host", request.headers.get("host", "")),
    ]
    # As bytes: a value may hold any octet but controls (é as 0xE9), and httpx encodes a str
    # as ASCII (a 500 here). Starlette decoded them as Latin-1: this gives the octets back.
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]


def _error_response(status_code: int, code: str, message: str) -> JSONResponse:
    """An answer of the edge itself, in the API's error shape, never cached."""
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": None}},
        status_code=status_code,
        headers={"cache-control": "no-store"},
    )


def create_app(
    dist: Path,
    api_url: str | Sequence[str],
    security_headers: Mapping[str, str],
    transport: httpx.AsyncBaseTransport | None = None,
    origin_verify: tuple[str, str] | None = None,
) -> Starlette:
    """`api_url`: one API or several, taken in turn per request (as the ALB's round robin
    over its targets, with no stickiness). `origin_verify`: the (header name, secret) added
    to every request forwarded to the API."""
    dist = dist.resolve()
    origin_header = origin_verify[0].lower() if origin_verify else None
    urls = [api_url] if isinstance(api_url, str) else list(api_url)
    if not urls:
        raise ValueError("create_app needs at least one API URL")
    clients = [
        httpx.AsyncClient(
            base_url=url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(30.0, connect=5.0),
            follow_redirects=False,
        )
        for url in urls
    ]
    next_client = itertools.cycle(clients)

    async def proxy(request: Request) -> Response:
        headers = _forwarded_headers(request, origin_header, origin_verify)
        body = request.stream() if request.method not in {"GET", "HEAD"} else None
        target = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        if request.url.query:
            target += "?" + request.url.query
        client = next(next_client)
        upstream = client.build_request(
            request.method,
            target,
            headers=headers,
            content=body,
        )
        try:
            response = await client.send(upstream, stream=True)
        except httpx.LocalProtocolError:
            # What HTTP/1.1 cannot carry (a control character in a header value): the
            # request's fault, not the API's. No detail: the value may be a token.
            return _error_response(
                400,
                "bad_request",
                "A header of the request holds a character HTTP does not allow; send it "
                "without control characters.",
            )
        except httpx.HTTPError:
            return _error_response(
                502, "bad_gateway", "The API is not reachable; try again shortly."
            )
        response_headers = [
            # The API's octets as they came (httpx's str values guess at the encoding).
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in response.headers.raw
            if k.decode("latin-1").lower() not in NOT_FORWARDED_BACK
        ]
        if (encoding := api_encoding(request, response)) is not None:
            return await compressed_response(response, response_headers, encoding)

        async def body_iter() -> AsyncIterator[bytes]:
            async for chunk in response.aiter_raw():
                yield chunk

        streamed = StreamingResponse(
            body_iter(),
            status_code=response.status_code,
            background=BackgroundTask(response.aclose),
        )
        streamed.raw_headers = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in response_headers
        ]
        return streamed

    async def static(request: Request) -> Response:
        if request.method not in {"GET", "HEAD"}:
            return PlainTextResponse("Method Not Allowed", status_code=405)
        path = request.url.path
        file = _resolve_static(dist, path)
        if file is None:
            last = path.rsplit("/", 1)[-1]
            if "." in last:
                return PlainTextResponse("Not Found", status_code=404, headers=_no_cache())
            file = dist / "index.html"
            path = "/index.html"
            if not file.is_file():
                return PlainTextResponse(
                    "The frontend is not built: run `npm --prefix frontend ci` and "
                    "`npm --prefix frontend run build`.",
                    status_code=404,
                    headers=_no_cache(),
                )
        return FileResponse(file, headers={"cache-control": cache_control_for(path)})

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    routes = [
        Route("/api", proxy, methods=methods),
        Route("/api/{rest:path}", proxy, methods=methods),
        Route("/{rest:path}", static, methods=methods),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware, headers=security_headers),
        # As CloudFront: the site compressed with Brotli where the browser accepts it, gzip
        # otherwise (CachingOptimized enables both). The API is compressed by `proxy` itself,
        # by CloudFront's rules (ADR 0107), and its events streams not at all (ADR 0104).
        Middleware(
            BrotliMiddleware,
            quality=COMPRESSION_QUALITY,
            minimum_size=COMPRESSION_MINIMUM_BYTES,
            gzip_fallback=True,
            excluded_handlers=[r"^/api(/|$)"],
        ),
    ]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        for client in clients:
            await client.aclose()

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _no_cache() -> dict[str, str]:
    return {"cache-control": NO_CACHE}


def serve_http2(app: ASGIApp, host: str, port: int, cert: Path, key: Path) -> None:
    """Serves HTTPS, HTTP/2 offered first (ALPN), as CloudFront (`http_version =
    "http2and3"`): one connection carries every request of a page, which is what a browser,
    and Lighthouse's simulation of a slow network, see in AWS (ADR 0111)."""
    import asyncio

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{host}:{port}"]
    config.certfile = str(cert)
    config.keyfile = str(key)
    config.alpn_protocols = ["h2", "http/1.1"]
    config.include_server_header = False
    config.accesslog = None
    config.loglevel = "WARNING"
    # As uvicorn's below: idle connections kept as long as the API keeps them (ADR 0099).
    config.keep_alive_timeout = 75
    # Starlette types the ASGI messages as plain mappings, hypercorn as typed dicts.
    asyncio.run(serve(app, config, mode="asgi"))  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--api-url",
        required=True,
        action="append",
        help="e.g. http://127.0.0.1:8000; repeat it for several API processes (round robin)",
    )
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    parser.add_argument("--headers-file", type=Path, default=DEFAULT_HEADERS_FILE)
    parser.add_argument(
        "--s3-origin", default="", help="origin the browser uploads to (CSP connect-src)"
    )
    parser.add_argument(
        "--tls-cert",
        type=Path,
        help="serve HTTPS with HTTP/2, as CloudFront does, with this certificate chain (PEM)",
    )
    parser.add_argument("--tls-key", type=Path, help="the private key of --tls-cert (PEM)")
    args = parser.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    headers = load_security_headers(args.headers_file, args.s3_origin)
    # From the environment, not the command line (which any local user can read).
    secret = os.environ.get("APP_ORIGIN_VERIFY_SECRET")
    header = os.environ.get("APP_ORIGIN_VERIFY_HEADER", "X-Origin-Verify")
    app = create_app(
        args.dist, args.api_url, headers, origin_verify=(header, secret) if secret else None
    )
    if args.tls_cert is not None:
        serve_http2(app, args.host, args.port, args.tls_cert, args.tls_key)
        return 0
    config: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        # Clients that reuse an idle connection the server is closing get a reset (Node's
        # fetch does not retry it); keep idle connections as long as the API does (ADR 0099).
        "timeout_keep_alive": 75,
    }
    uvicorn.run(app, proxy_headers=False, server_header=False, **config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
