from __future__ import annotations

from starlette.requests import Request


def client_ip(request: Request, forwarded_hops: int) -> str:
    """The client address as our own proxies saw it: entries further left in X-Forwarded-For
    are whatever the client sent and cannot be trusted."""
    if forwarded_hops > 0:
        entries = [e.strip() for e in request.headers.get("x-forwarded-for", "").split(",")]
        entries = [e for e in entries if e]
        if len(entries) >= forwarded_hops:
            return entries[-forwarded_hops][:64]
    return request.client.host if request.client else "unknown"
