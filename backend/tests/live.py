"""An API served over real HTTP by uvicorn, in a thread of the test process: for what the
in-process transport cannot show (a response that streams without end)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

# A liveness bound for start-up and shutdown, not a measurement.
BOUND_SECONDS = 30.0


@contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="served-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + BOUND_SECONDS
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=BOUND_SECONDS)
