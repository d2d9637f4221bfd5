"""Read-your-writes with a read replica: a writer's next reads go to the primary.

A request with an unsafe method that was answered below 400 may have committed
something; its answer sets the ``causerie_wrote`` cookie for ``replica_fresh_seconds``.
While a request carries it (a browser sends it back; an API client may send it, or
``Causerie-Read-Primary: 1``), its public reads skip the replica and the public cache
(``persistence.database.read_from_primary``). Chosen over LSN tokens because it needs
nothing from a client that keeps cookies, and the window is many times the replica's
lag the watch tolerates (one check, a second by default) before it sends every read
to the primary.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistence.database import read_from_primary

COOKIE = "causerie_wrote"
HEADER = b"causerie-read-primary"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


_COOKIE_SET = re.compile(rb"(?:^|;)\s*" + COOKIE.encode() + rb"=")


def _wrote_recently(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == HEADER and value.strip() == b"1":
            return True
        if name == b"cookie" and _COOKIE_SET.search(value):
            return True
    return False


class ReadYourWrites:
    def __init__(self, app: ASGIApp, *, fresh_seconds: float) -> None:
        self.app = app
        self.max_age = max(1, round(fresh_seconds))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = read_from_primary.set(_wrote_recently(scope))
        unsafe = scope["method"] not in _SAFE

        async def send_marked(message: Message) -> None:
            if unsafe and message["type"] == "http.response.start" and message["status"] < 400:
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{COOKIE}=1; Max-Age={self.max_age}; Path=/; HttpOnly; SameSite=Lax{secure}",
                )
            await send(message)

        try:
            await self.app(scope, receive, send_marked if unsafe else send)
        finally:
            read_from_primary.reset(token)
