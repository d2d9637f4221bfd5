"""The cryptography and the outside world of federation.

- Blog keys: RSA 2048 (what every fediverse server verifies), made with ``cryptography``;
  the private key is sealed at rest with AES-GCM like the webhook secrets, bound to its
  tenant and blog.
- Signatures in either scheme (draft-cavage and RFC 9421): ``api/adapters/http_signatures.py``.
- Remote actors are fetched through the guarded outbound client (so a key id on a
  private address, a 50 MB document or a server that never answers is refused) and kept
  in a small in-process cache for an hour. The fetch is signed with a blog's key when
  one is at hand (servers in Mastodon's secure mode answer nothing else), RFC 9421 first
  and draft-cavage on a 401, remembered per server.
- A remote note's HTML becomes plain text with nh3 (every tag stripped, scripts and
  styles with their content), before it is rendered like any comment.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx
import nh3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from api.adapters import http_signatures, outbound_http
from api.adapters.http_signatures import Knocks, Signer
from api.adapters.webhook_secrets import AesGcmSecretBox
from domain.federation import signatures
from domain.federation.model import (
    CONTENT_TYPE,
    MAX_REMOTE_NAME,
    RemoteActor,
    SignatureRejected,
    first_url,
    object_id,
)
from domain.kernel import clock as domain_clock

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ACTOR_TTL_SECONDS = 3600.0
ACTOR_CACHE_SIZE = 2000
MAX_ACTOR_BYTES = 256 * 1024


class KeyBox(AesGcmSecretBox):
    """Seals a blog's private key, bound to its tenant and blog."""

    @staticmethod
    def _bound(tenant_id: UUID, endpoint_id: UUID) -> bytes:
        return f"causerie-actor-key:{tenant_id}:{endpoint_id}".encode()


def new_key_pair() -> tuple[str, str]:
    """(public PEM, private PEM) of a fresh RSA 2048 key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return public, private


def sign_headers(
    private_pem: str,
    key_id: str,
    method: str,
    url: str,
    body: bytes | None,
    now: datetime,
) -> dict[str, str]:
    """The draft-cavage headers that sign a request: Date, Digest (with a body), Signature."""
    return http_signatures.sign_cavage(Signer(key_id, private_pem), method, url, body, now)


_BREAKS = re.compile(r"<br\s*/?>|</p>|</li>|</h\d>", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Plain text of a remote note: line breaks kept, every tag gone."""
    broken = _BREAKS.sub("\n", markup[:200_000])
    stripped = nh3.clean(broken, tags=set(), clean_content_tags={"script", "style"})
    return html.unescape(stripped).strip()


def _plain(value: Any, limit: int) -> str:
    """A remote name or handle: text only, no markup, bounded."""
    if not isinstance(value, str):
        return ""
    return " ".join(html_to_text(value).split())[:limit]


def actor_of(document: Any, key_id: str) -> RemoteActor:
    """The actor a fetched document describes, with the key ``key_id`` names."""
    try:
        return _actor_of(document, key_id)
    except ValueError as exc:  # a URL urlsplit cannot read
        raise SignatureRejected("The signer's actor document has a malformed URL.") from exc


def _actor_of(document: Any, key_id: str) -> RemoteActor:
    if not isinstance(document, dict):
        raise SignatureRejected("The signer's actor document is not an object.")
    key = document.get("publicKey")
    if isinstance(key, list):
        key = next((k for k in key if isinstance(k, dict) and k.get("id") == key_id), None)
    if not isinstance(key, dict) or not isinstance(key.get("publicKeyPem"), str):
        raise SignatureRejected("The signer's actor document has no public key.")
    actor_id = object_id(document)
    inbox = document.get("inbox")
    if actor_id is None or not isinstance(inbox, str):
        raise SignatureRejected("The signer's actor document has no id or inbox.")
    if (
        key.get("owner") not in (None, actor_id)
        or urlsplit(actor_id).netloc != urlsplit(key_id).netloc
    ):
        raise SignatureRejected("The key does not belong to the actor that serves it.")
    endpoints = document.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    handle = _plain(document.get("preferredUsername"), 100)
    host = urlsplit(actor_id).hostname or ""
    return RemoteActor(
        id=actor_id,
        inbox=inbox,
        shared_inbox=shared if isinstance(shared, str) else None,
        key_id=key_id,
        public_key_pem=str(key["publicKeyPem"]),
        name=_plain(document.get("name"), MAX_REMOTE_NAME) or handle,
        handle=f"@{handle}@{host}" if handle else host,
        url=first_url(document.get("url")),
        icon=first_url(document.get("icon")),
    )


SignerSource = Callable[[], Awaitable[Signer | None]]


class RemoteActors:
    """Fetches (through the outbound guard, signed when a signer is given) and caches
    remote actors by key id."""

    def __init__(self, *, clock: Any = time.monotonic):
        self.clock = clock
        self.knocks = Knocks()
        self._cache: OrderedDict[str, tuple[float, RemoteActor]] = OrderedDict()

    def forget(self, key_id: str) -> None:
        self._cache.pop(key_id, None)

    async def by_key(
        self,
        key_id: str,
        policy: outbound_http.OutboundPolicy,
        *,
        fresh: bool = False,
        signer: SignerSource | None = None,
    ) -> RemoteActor:
        now = self.clock()
        cached = self._cache.get(key_id)
        if cached is not None and not fresh and now - cached[0] < ACTOR_TTL_SECONDS:
            return cached[1]
        actor = await self._fetch(key_id, policy, signer)
        self._cache[key_id] = (now, actor)
        self._cache.move_to_end(key_id)
        while len(self._cache) > ACTOR_CACHE_SIZE:
            self._cache.popitem(last=False)
        return actor

    async def _get(
        self, url: str, policy: outbound_http.OutboundPolicy, source: SignerSource | None
    ) -> Any:
        """A GET of a remote document, signed with the blog's key when there is one."""
        signer = await source() if source is not None else None
        if signer is None:
            return await outbound_http.get(url, headers={"Accept": ACCEPT}, policy=policy)

        async def send(scheme: str) -> tuple[int, Any]:
            headers = http_signatures.sign(scheme, signer, "GET", url, None, domain_clock.now())
            answer = await outbound_http.get(
                url, headers={"Accept": ACCEPT, **headers}, policy=policy
            )
            return answer.status, answer

        return (await http_signatures.double_knock(self.knocks, url, send)).answer

    async def _fetch(
        self,
        key_id: str,
        base: outbound_http.OutboundPolicy,
        signer: SignerSource | None = None,
    ) -> RemoteActor:
        url = key_id.split("#", 1)[0]
        policy = outbound_http.OutboundPolicy(
            allowed_ports=base.allowed_ports,
            allow_loopback=base.allow_loopback,
            timeout_seconds=min(base.timeout_seconds, 10.0),
            max_response_bytes=min(base.max_response_bytes, MAX_ACTOR_BYTES),
        )
        try:
            answer = await self._get(url, policy, signer)
        except outbound_http.OutboundRefused as refused:
            raise SignatureRejected(
                f"The signer's key cannot be fetched: {refused.detail}"
            ) from refused
        except TimeoutError as exc:
            raise SignatureRejected("The signer's key could not be fetched in time.") from exc
        except (httpx.HTTPError, OSError) as exc:
            raise SignatureRejected("The signer's key could not be fetched.") from exc
        if answer.status != 200:
            raise SignatureRejected(f"The signer's key answered {answer.status}.")
        try:
            document = json.loads(answer.body)
        except (ValueError, RecursionError) as exc:
            raise SignatureRejected("The signer's actor document is not JSON.") from exc
        if isinstance(document, dict) and "publicKeyPem" in document and "owner" in document:
            owner = document.get("owner")  # the key id named a key document: its owner
            if isinstance(owner, str) and owner != url:
                return await self._fetch_owner(owner, key_id, policy, signer)
        return actor_of(document, key_id)

    async def _fetch_owner(
        self,
        owner: str,
        key_id: str,
        policy: outbound_http.OutboundPolicy,
        signer: SignerSource | None,
    ) -> RemoteActor:
        try:
            answer = await self._get(owner, policy, signer)
            document = json.loads(answer.body)
        except (
            outbound_http.OutboundRefused,
            TimeoutError,
            httpx.HTTPError,
            OSError,
            ValueError,
            RecursionError,
        ) as exc:
            raise SignatureRejected("The key's owner could not be fetched.") from exc
        return actor_of(document, key_id)


async def verified_sender(
    actors: RemoteActors,
    policy: outbound_http.OutboundPolicy,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    *,
    signer: SignerSource | None = None,
) -> RemoteActor:
    """The remote actor who signed this request (RFC 9421 when it carries
    ``Signature-Input``, draft-cavage otherwise), or SignatureRejected. ``url`` is the
    request's absolute URL as its sender addressed it; ``headers`` are lower-cased."""
    with_body = method.upper() not in ("GET", "HEAD")
    if http_signatures.scheme_of(headers) == signatures.RFC9421:
        # What does not hold whatever the key (one signature, a keyid, a fresh
        # ``created``, the digest) is refused before any fetch.
        key_id = http_signatures.precheck_rfc9421(headers, body if with_body else None, now)

        def holds(actor: RemoteActor) -> bool:
            try:
                http_signatures.verify_rfc9421(
                    actor.public_key_pem, key_id, method, url, headers, body, now
                )
            except SignatureRejected:
                return False
            return True

    else:
        signed = signatures.parse(headers.get("signature"))
        signatures.check_covers(signed, with_body=with_body)
        signatures.check_date(headers.get("date"), now)
        if with_body:
            signatures.check_digest(headers.get("digest"), body)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        plain = signatures.signing_string(method, target, dict(headers), signed.headers)
        key_id = signed.key_id

        def holds(actor: RemoteActor) -> bool:
            return http_signatures.verify_cavage(actor.public_key_pem, plain, signed.signature)

    actor = await actors.by_key(key_id, policy, signer=signer)
    if holds(actor):
        return actor
    # The key may have been rotated since we cached it: fetch it once more.
    actor = await actors.by_key(key_id, policy, fresh=True, signer=signer)
    if holds(actor):
        return actor
    raise SignatureRejected("The signature does not verify.")


__all__ = [
    "CONTENT_TYPE",
    "KeyBox",
    "RemoteActors",
    "Signer",
    "html_to_text",
    "new_key_pair",
]
