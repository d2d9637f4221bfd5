"""HTTP Signatures: the parts that are text, not cryptography, and the rules both
schemes follow. The signing and verifying are done by ``cryptography`` and
``http-message-signatures`` (api/adapters/federation_keys.py).

Two schemes are spoken, told apart by a ``Signature-Input`` header:

- **draft-cavage-http-signatures-12** (what most of the fediverse signs): an inbox POST
  must sign ``(request-target)``, ``host``, ``date`` and ``digest``, a GET
  ``(request-target)``, ``host`` and ``date``; its ``Date`` must be within
  ``DATE_WINDOW`` of our clock and its ``Digest`` the SHA-256 of the very body received.
- **RFC 9421** (HTTP Message Signatures): a POST must cover ``@method``,
  ``@target-uri`` and ``content-digest`` (RFC 9530, checked against the body), a GET
  ``@method`` and ``@target-uri``; its ``created`` must be within ``DATE_WINDOW`` of our
  clock and an ``expires`` must not have passed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from domain.federation.model import DATE_WINDOW, SignatureRejected

REQUIRED = ("(request-target)", "host", "date", "digest")
REQUIRED_GET = ("(request-target)", "host", "date")
RFC9421 = "rfc9421"
CAVAGE = "draft-cavage-http-signatures-12"
RFC9421_REQUIRED = ("@method", "@target-uri", "content-digest")
RFC9421_REQUIRED_GET = ("@method", "@target-uri")
RFC9421_LABEL = "sig1"
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


@dataclass(frozen=True)
class SignatureHeader:
    key_id: str
    algorithm: str
    headers: list[str]
    signature: bytes


def parse(value: str | None) -> SignatureHeader:
    if not value:
        raise SignatureRejected("The request is not signed (no Signature header).")
    if len(value) > 4096:
        raise SignatureRejected("The Signature header is too long.")
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None:
            raise SignatureRejected("The Signature header is malformed.")
        params[match.group(1).lower()] = match.group(2)
        position = match.end()
    if "keyid" not in params or "signature" not in params:
        raise SignatureRejected("The Signature header needs keyId and signature.")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as exc:
        raise SignatureRejected("The signature is not base64.") from exc
    names = params.get("headers", "date").lower().split()
    return SignatureHeader(params["keyid"], params.get("algorithm", "hs2019"), names, signature)


def signing_string(method: str, target: str, headers: Mapping[str, str], names: list[str]) -> bytes:
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            if name not in headers:
                raise SignatureRejected(f"The signed header {name!r} is missing.")
            lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines).encode()


def digest_of(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def check_digest(header: str | None, body: bytes) -> None:
    if not header:
        raise SignatureRejected("The request has no Digest header.")
    wanted = digest_of(body)
    for part in header.split(","):
        algorithm, _, value = part.strip().partition("=")
        if algorithm.upper() == "SHA-256":
            if f"SHA-256={value}" != wanted:
                raise SignatureRejected("The Digest does not match the body.")
            return
    raise SignatureRejected("The Digest header has no SHA-256 value.")


def check_date(header: str | None, now: datetime) -> None:
    if not header:
        raise SignatureRejected("The request has no Date header.")
    try:
        sent = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise SignatureRejected("The Date header is not an HTTP date.") from exc
    if sent.tzinfo is None or abs(now - sent) > DATE_WINDOW:
        raise SignatureRejected("The Date header is too far from the current time.")


def check_covers(signed: SignatureHeader, *, with_body: bool = True) -> None:
    missing = [
        name for name in (REQUIRED if with_body else REQUIRED_GET) if name not in signed.headers
    ]
    if missing:
        raise SignatureRejected(f"The signature must cover {', '.join(missing)}.")


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def check_created(created: int, expires: int | None, now: datetime) -> None:
    """An RFC 9421 signature's ``created`` (and ``expires``), in seconds since the epoch."""
    at = now.timestamp()
    if abs(at - created) > DATE_WINDOW.total_seconds():
        raise SignatureRejected("The signature's created time is too far from the current time.")
    if expires is not None and expires < at:
        raise SignatureRejected("The signature has expired.")


def other_scheme(scheme: str) -> str:
    return CAVAGE if scheme == RFC9421 else RFC9421
