"""Federation tests' helpers: a remote actor served by a loopback HTTP server (its
document and key), and inbox POSTs signed with that key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

import httpx

from api.adapters.federation_keys import new_key_pair, sign_headers
from api.adapters.http_signatures import Signer, sign_rfc9421
from domain.kernel import clock
from tests.receiver import Receiver, receiver

LOCAL = {"outbound_allow_loopback": True, "outbound_timeout_seconds": 2.0}
BASE = "https://causerie.test"
AP = "application/activity+json"


def actor_path(world: Any, blog: Any) -> str:
    return f"/v1/sites/{world.slug}/blogs/{blog.slug}/actor"


def actor_id(world: Any, blog: Any) -> str:
    return BASE + actor_path(world, blog)


def article_id(world: Any, blog: Any, post: Any) -> str:
    return f"{actor_id(world, blog)}/posts/{post.id}"


@dataclass
class Remote:
    """A fediverse account on a loopback server: ``http://127.0.0.1:PORT/users/NAME``."""

    server: Receiver
    public_pem: str
    private_pem: str
    name: str = "Alice <b>Remote</b>"
    username: str = "alice"

    @property
    def id(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/users/{self.username}"

    @property
    def key_id(self) -> str:
        return f"{self.id}#main-key"

    def document(self, **extra: Any) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": self.id,
            "type": "Person",
            "preferredUsername": self.username,
            "name": self.name,
            "inbox": f"{self.id}/inbox",
            "endpoints": {"sharedInbox": f"http://127.0.0.1:{self.server.port}/inbox"},
            "url": f"http://127.0.0.1:{self.server.port}/@{self.username}",
            "icon": {"type": "Image", "url": f"http://127.0.0.1:{self.server.port}/a.png"},
            "publicKey": {"id": self.key_id, "owner": self.id, "publicKeyPem": self.public_pem},
            **extra,
        }

    def serve(self, **extra: Any) -> None:
        self.server.body = json.dumps(self.document(**extra)).encode()
        self.server.headers = {"Content-Type": AP}

    def activity(self, kind: str, obj: Any, **extra: Any) -> dict[str, Any]:
        return {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.id}/activities/{uuid4()}",
            "type": kind,
            "actor": self.id,
            "object": obj,
            **extra,
        }

    def note(self, in_reply_to: str, content: str, **extra: Any) -> dict[str, Any]:
        return {
            "id": f"{self.id}/statuses/{uuid4()}",
            "type": "Note",
            "attributedTo": self.id,
            "inReplyTo": in_reply_to,
            "content": content,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            **extra,
        }

    def signed(
        self,
        path: str,
        activity: dict[str, Any],
        *,
        at: datetime | None = None,
        body: bytes | None = None,
        key_id: str | None = None,
        private_pem: str | None = None,
        rfc9421: bool = False,
    ) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(activity).encode()
        if rfc9421:
            # The URL as the sender addresses it: our public scheme, the Host it sends.
            signer = Signer(key_id or self.key_id, private_pem or self.private_pem)
            headers = sign_rfc9421(
                signer, "POST", f"https://testserver{path}", raw, at or clock.now()
            )
        else:
            headers = sign_headers(
                private_pem or self.private_pem,
                key_id or self.key_id,
                "POST",
                f"http://testserver{path}",
                raw,
                at or clock.now(),
            )
        headers["Content-Type"] = AP
        return (body if body is not None else raw), headers

    def signed_get(self, path: str, *, rfc9421: bool = False) -> dict[str, str]:
        """The headers of a GET of ``path`` signed with this account's key."""
        signer = Signer(self.key_id, self.private_pem)
        if rfc9421:
            return sign_rfc9421(signer, "GET", f"https://testserver{path}", None, clock.now())
        return sign_headers(
            self.private_pem, self.key_id, "GET", f"http://testserver{path}", None, clock.now()
        )


@asynccontextmanager
async def remote(**behaviour: Any) -> AsyncIterator[Remote]:
    public, private = new_key_pair()
    async with receiver(**behaviour) as server:
        account = Remote(server, public, private)
        account.serve()
        yield account


async def post_signed(
    client: httpx.AsyncClient, account: Remote, path: str, activity: dict[str, Any], **kw: Any
) -> httpx.Response:
    body, headers = account.signed(path, activity, **kw)
    return await client.post(path, content=body, headers=headers)
