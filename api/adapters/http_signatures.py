"""HTTP signatures in both schemes the fediverse speaks, signed and verified with
maintained libraries: draft-cavage with ``cryptography`` (RSASSA-PKCS1-v1_5 / SHA-256),
RFC 9421 with ``http-message-signatures`` (``rsa-v1_5-sha256``, ``Content-Digest`` of
RFC 9530 over the body). The rules (what must be covered, the time window) are in
``domain/federation/signatures.py``.

``Knocks`` remembers, per remote server (its origin), which scheme it accepted, as
Fedify's "double knock" does: a request goes out signed with RFC 9421 first; a 400 or
401 is tried once more with draft-cavage, and whichever scheme was accepted is used first
for that server from then on. The memory is per process, bounded, and only a hint: a
forgotten server costs one more knock.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import http_sf
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)
from http_message_signatures import InvalidSignature as InvalidMessageSignature

from domain.federation import signatures
from domain.federation.model import SignatureRejected

RETRY_STATUSES = frozenset({400, 401})
KNOCKS_SIZE = 5000


@dataclass(frozen=True)
class Signer:
    """Who signs an outgoing request: a blog's key id and its private key (PEM)."""

    key_id: str
    private_pem: str


@dataclass
class _Message:
    """What ``http-message-signatures`` reads of a request: method, absolute URL, headers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


def _private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _public_key(pem: str) -> rsa.RSAPublicKey | None:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return key if isinstance(key, rsa.RSAPublicKey) else None


# --- draft-cavage --------------------------------------------------------------------


def sign_cavage(
    signer: Signer, method: str, url: str, body: bytes | None, now: datetime
) -> dict[str, str]:
    """Date, Digest (with a body) and Signature over ``(request-target) host date
    [digest]``."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"host": parts.netloc, "date": signatures.http_date(now)}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["digest"] = signatures.digest_of(body)
        names.append("digest")
    plain = signatures.signing_string(method, target, headers, names)
    raw = _private_key(signer.private_pem).sign(plain, padding.PKCS1v15(), hashes.SHA256())
    value = (
        f'keyId="{signer.key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(raw).decode()}"'
    )
    out = {"Date": headers["date"], "Signature": value}
    if body is not None:
        out["Digest"] = headers["digest"]
    return out


def verify_cavage(public_pem: str, plain: bytes, signature: bytes) -> bool:
    key = _public_key(public_pem)
    if key is None:
        return False
    try:
        key.verify(signature, plain, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


# --- RFC 9421 ------------------------------------------------------------------------


def sign_rfc9421(
    signer: Signer, method: str, url: str, body: bytes | None, now: datetime
) -> dict[str, str]:
    """Date, Content-Digest (with a body), Signature-Input and Signature covering
    ``@method @target-uri @authority date [content-digest]``."""
    message = _Message(method.upper(), url, {"Date": signatures.http_date(now)})
    covered = ["@method", "@target-uri", "@authority", "date"]
    engine = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(
            public_keys={}, private_keys={signer.key_id: _private_key(signer.private_pem)}
        ),
    )
    engine.sign(
        message,
        key_id=signer.key_id,
        created=now,
        label=signatures.RFC9421_LABEL,
        covered_component_ids=covered,
        body=body,  # adds Content-Digest and covers it
    )
    return dict(message.headers)


def _signature_params(headers: Mapping[str, str]) -> dict[str, Any]:
    """The parameters of the one signature ``Signature-Input`` holds."""
    try:
        parsed: Any = http_sf.parse(headers["signature-input"].encode(), tltype="dictionary")
    except Exception as exc:  # http_sf raises ValueError and others on bad input
        raise SignatureRejected("The Signature-Input header is malformed.") from exc
    if not isinstance(parsed, dict) or len(parsed) != 1:
        raise SignatureRejected("Exactly one signature is expected in Signature-Input.")
    member: Any = next(iter(parsed.values()))
    params = member[1] if isinstance(member, tuple) and len(member) == 2 else None
    if not isinstance(params, dict):
        raise SignatureRejected("The Signature-Input header is malformed.")
    return params


def precheck_rfc9421(headers: Mapping[str, str], body: bytes | None, now: datetime) -> str:
    """The key id of the request's one RFC 9421 signature, once what needs no key holds:
    a well-formed ``Signature-Input`` with a single signature, its ``keyid``, a
    ``created`` within the window, an unexpired ``expires``, a ``Signature``, and (with
    a body) a ``Content-Digest`` that matches it."""
    params = _signature_params(headers)
    key_id, created, expires = params.get("keyid"), params.get("created"), params.get("expires")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureRejected("The signature has no keyid.")
    if type(created) is not int:
        raise SignatureRejected("The signature has no created time.")
    signatures.check_created(created, expires if type(expires) is int else None, now)
    if "signature" not in headers:
        raise SignatureRejected("The request has Signature-Input but no Signature.")
    if body is not None:
        if "content-digest" not in headers:
            raise SignatureRejected("The request has no Content-Digest header.")
        try:
            ContentDigest.verify(headers["content-digest"], body)
        except (InvalidMessageSignature, HTTPMessageSignaturesException) as exc:
            raise SignatureRejected("The Content-Digest does not match the body.") from exc
    return key_id


class _Verifier(HTTPMessageVerifier):
    """The library's verifier with our clock and window for ``created`` and
    ``expires`` (the library's own check reads the wall clock with 5 s of skew)."""

    def __init__(self, public_key: rsa.RSAPublicKey, key_id: str, now: datetime):
        super().__init__(
            signature_algorithm=algorithms.RSA_V1_5_SHA256,
            key_resolver=MappingKeyResolver(public_keys={key_id: public_key}, private_keys={}),
        )
        self.now = now

    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        created = sig_input.params.get("created")
        expires = sig_input.params.get("expires")
        if type(created) is not int or (expires is not None and type(expires) is not int):
            raise InvalidMessageSignature("The signature needs integer created (and expires).")
        try:
            signatures.check_created(created, expires, self.now)
        except SignatureRejected as exc:
            raise InvalidMessageSignature(exc.detail) from exc


def verify_rfc9421(
    public_pem: str,
    key_id: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
) -> None:
    """Raises SignatureRejected unless the request's RFC 9421 signature holds."""
    key = _public_key(public_pem)
    if key is None:
        raise SignatureRejected("The signer's key is not an RSA public key.")
    with_body = method.upper() not in ("GET", "HEAD")
    required = signatures.RFC9421_REQUIRED if with_body else signatures.RFC9421_REQUIRED_GET
    message = _Message(method.upper(), url, dict(headers))
    try:
        _Verifier(key, key_id, now).verify(
            message,
            max_age=None,
            require_components=required,
            body=body if with_body else None,
        )
    except (InvalidMessageSignature, HTTPMessageSignaturesException) as exc:
        raise SignatureRejected(f"The RFC 9421 signature does not hold: {exc}") from exc


# --- either scheme -------------------------------------------------------------------


def scheme_of(headers: Mapping[str, str]) -> str:
    return signatures.RFC9421 if "signature-input" in headers else signatures.CAVAGE


def key_id_of(headers: Mapping[str, str]) -> str:
    """The signing key's id, whichever the scheme (SignatureRejected if unsigned)."""
    if scheme_of(headers) == signatures.RFC9421:
        key_id = _signature_params(headers).get("keyid")
        if not isinstance(key_id, str) or not key_id:
            raise SignatureRejected("The signature has no keyid.")
        return key_id
    return signatures.parse(headers.get("signature")).key_id


def sign(
    scheme: str, signer: Signer, method: str, url: str, body: bytes | None, now: datetime
) -> dict[str, str]:
    if scheme == signatures.RFC9421:
        return sign_rfc9421(signer, method, url, body, now)
    return sign_cavage(signer, method, url, body, now)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Knocks:
    """Which scheme each remote server accepted (its origin → scheme), RFC 9421 first."""

    def __init__(self, size: int = KNOCKS_SIZE):
        self.size = size
        self._known: OrderedDict[str, str] = OrderedDict()

    def first(self, url: str) -> str:
        return self._known.get(origin_of(url), signatures.RFC9421)

    def remember(self, url: str, scheme: str) -> None:
        origin = origin_of(url)
        self._known[origin] = scheme
        self._known.move_to_end(origin)
        while len(self._known) > self.size:
            self._known.popitem(last=False)


@dataclass(frozen=True)
class Knocked:
    status: int
    scheme: str
    answer: Any


async def double_knock(
    knocks: Knocks,
    url: str,
    send: Callable[[str], Awaitable[tuple[int, Any]]],
) -> Knocked:
    """``send(scheme)`` signs and sends the request with that scheme and returns
    (status, answer). The server's remembered scheme (RFC 9421 when unknown) goes
    first; a 400 or 401 is tried once with the other; an accepted scheme is kept."""
    scheme = knocks.first(url)
    status, answer = await send(scheme)
    if status in RETRY_STATUSES:
        scheme = signatures.other_scheme(scheme)
        status, answer = await send(scheme)
    if status not in RETRY_STATUSES and status < 500:
        knocks.remember(url, scheme)
    return Knocked(status, scheme, answer)
