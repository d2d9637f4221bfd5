"""Read-your-writes with a read replica, by WAL position.

A request with an unsafe method answered below 400 may have committed something: its
answer sets the ``causerie_wrote`` cookie to the primary's WAL position asked right
after (every commit of the request is at or before it), signed with HMAC-SHA256, for
``replica_fresh_seconds``. A request carrying a valid one sets ``read_after``: its public
reads go to the replica once the replica has replayed that position, to the primary
until then (``persistence.database.Replica``), and skip the public cache. A writer thus
reads their own write at once, and from the replica as soon as it has it (usually the
next read: streaming on a local network replays in milliseconds).

A cookie that does not verify (forged, made with another key, the older ``1``) is
ignored: the request is a plain reader's, bound by the replica's lag limit. The worst a
client can do with its own cookie is read from the primary, which
``Causerie-Read-Primary: 1`` (for clients without a cookie jar) allows anyway. When the
primary's position cannot be asked after a write, the cookie says ``primary``: the
writer reads from the primary while it lasts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistence.database import Database, format_lsn, parse_lsn, read_after, read_from_primary

COOKIE = "causerie_wrote"
HEADER = b"causerie-read-primary"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY = "primary"
# Past any position a replica reaches while the cookie lives.
_ALWAYS = (1 << 64) - 1

_COOKIE_VALUE = re.compile(rb"(?:^|;)\s*" + COOKIE.encode() + rb"=([^;\s]*)")
_POSITION = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")

log = logging.getLogger("causerie.read_routing")


def _signature(key: bytes, value: str) -> str:
    digest = hmac.new(key, value.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(key: bytes, position: int | None) -> str:
    value = PRIMARY if position is None else format_lsn(position)
    return f"{value}.{_signature(key, value)}"


def read_token(key: bytes, token: str) -> int:
    """The position a valid token names (``_ALWAYS`` for ``primary``), else 0."""
    value, _, signature = token.rpartition(".")
    if not hmac.compare_digest(signature, _signature(key, value)):
        return 0
    if value == PRIMARY:
        return _ALWAYS
    return parse_lsn(value) if _POSITION.match(value) else 0


def _asked(scope: Scope, key: bytes) -> tuple[bool, int]:
    primary, after = False, 0
    for name, value in scope.get("headers", ()):
        if name == HEADER and value.strip() == b"1":
            primary = True
        elif name == b"cookie":
            found = _COOKIE_VALUE.search(value)
            if found:
                after = max(after, read_token(key, found.group(1).decode("latin-1")))
    return primary, after


class ReadYourWrites:
    def __init__(
        self,
        app: ASGIApp,
        *,
        fresh_seconds: float,
        key: bytes,
        position: Callable[[Scope], Awaitable[int]] | None = None,
    ) -> None:
        self.app = app
        self.max_age = max(1, round(fresh_seconds))
        self.key = key
        self.position = position or _primary_position

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        primary, after = _asked(scope, self.key)
        tokens = read_from_primary.set(primary), read_after.set(after)
        unsafe = scope["method"] not in _SAFE

        async def send_marked(message: Message) -> None:
            if unsafe and message["type"] == "http.response.start" and message["status"] < 400:
                try:
                    position: int | None = await self.position(scope)
                except Exception as exc:  # the primary went away after the write
                    log.warning("primary position unknown after a write: %s", exc)
                    position = None
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{COOKIE}={make_token(self.key, position)}; Max-Age={self.max_age}; "
                    f"Path=/; HttpOnly; SameSite=Lax{secure}",
                )
            await send(message)

        try:
            await self.app(scope, receive, send_marked if unsafe else send)
        finally:
            read_from_primary.reset(tokens[0])
            read_after.reset(tokens[1])


async def _primary_position(scope: Scope) -> int:
    db: Database = scope["app"].state.db
    return await db.primary_position()
