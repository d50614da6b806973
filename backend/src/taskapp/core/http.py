"""The client's address, for per-IP rate limits (ADR 0087)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from taskapp.core.settings import Settings


def came_through_the_edge(request: Request, settings: Settings) -> bool:
    """Whether the request carries the edge's secret origin header (CloudFront adds it in
    AWS, the local edge locally); compared in constant time."""
    secret = settings.origin_verify_secret
    if secret is None:
        return False
    sent = request.headers.get(settings.origin_verify_header)
    if sent is None:
        return False
    return hmac.compare_digest(sent.encode(), secret.get_secret_value().encode())


def client_ip(request: Request, settings: Settings) -> str:
    """The client address as our own proxies saw it. X-Forwarded-For counts only on requests
    that came through the edge: anyone who reaches the API port directly can write any
    X-Forwarded-For. Even then only the entry our proxies appended counts (`forwarded_hops`
    from the right); entries further left are whatever the client sent."""
    hops = settings.forwarded_hops
    if hops > 0 and came_through_the_edge(request, settings):
        entries = [e.strip() for e in request.headers.get("x-forwarded-for", "").split(",")]
        entries = [e for e in entries if e]
        if len(entries) >= hops:
            return entries[-hops][:64]
    return request.client.host if request.client else "unknown"
