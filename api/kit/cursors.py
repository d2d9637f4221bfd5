"""One cursor format for every list: opaque, versioned, bound to its list, signed.

A cursor is ``<payload>.<mac>``, both base64url without padding. The payload is the JSON
``[version, list, [position…]]``; the mac is an HMAC-SHA256 (first 16 bytes) of the
payload under a key the server keeps. So a client cannot forge or edit a position, a
cursor of one list (or sort) is refused by another, and a future format can be told
apart by its version. Anything that does not decode into exactly the declared shape is
a 422 ``validation_failed`` problem on ``cursor``, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from api.problems import ApiProblem

VERSION = 1
_MAC_BYTES = 16
# The shape every cursor has (a payload, a dot, the 16-byte mac), as the OpenAPI declares
# it. The shape is all a schema can say: a value of this shape that the server did not
# sign is still refused. The payload's bound holds the longest position a list carries
# (a text of 300 characters, each escaped in the JSON at worst: the ranking's author names).
PATTERN = r"^[A-Za-z0-9_-]{1,2600}\.[A-Za-z0-9_-]{22}$"
MAX_LENGTH = 2623

# What one element of a position may be, and how it travels in JSON.
PositionType = type[datetime] | type[UUID] | type[int] | type[float] | type[str]


@dataclass(frozen=True)
class Keyset:
    """A list's cursor: its name (unique per list and sort), the types of the position it
    carries, and how to read that position off the last row of a page."""

    name: str
    shape: tuple[PositionType, ...]
    position: Callable[[Any], tuple[Any, ...]]


def time_id(name: str, stamp: str = "created_at", ident: str = "id") -> Keyset:
    """The common (timestamp, id) keyset, read from attributes or mapping keys."""

    def position(row: Any) -> tuple[Any, ...]:
        if isinstance(row, dict) or hasattr(row, "keys"):
            return row[stamp], row[ident]
        return getattr(row, stamp), getattr(row, ident)

    return Keyset(name, (datetime, UUID), position)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())


def malformed_cursor() -> ApiProblem:
    return ApiProblem(
        "validation_failed",
        "The cursor is malformed, or belongs to another list or sort.",
        errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor", "type": "cursor"}],
    )


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _load(kind: PositionType, value: Any) -> Any:
    """One position element back from JSON, or ``ValueError``."""
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError(value)
        stamp = datetime.fromisoformat(value)
        if stamp.tzinfo is None:
            raise ValueError(value)
        return stamp
    if kind is UUID:
        if not isinstance(value, str):
            raise ValueError(value)
        return UUID(value)
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
            raise ValueError(value)
        return value
    if kind is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(value)
        if not math.isfinite(value):
            raise ValueError(value)
        return float(value)
    if kind is str:
        if not isinstance(value, str) or len(value) > 300:
            raise ValueError(value)
        return value
    raise ValueError(kind)


class CursorCodec:
    """Signs and checks cursors with one server-side key."""

    def __init__(self, secret: bytes):
        self._key = hmac.new(secret, b"causerie list cursors", hashlib.sha256).digest()

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, keyset: Keyset, position: Sequence[Any]) -> str:
        payload = json.dumps(
            [VERSION, keyset.name, [_dump(v) for v in position]],
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def decode(self, keyset: Keyset, cursor: str | None) -> tuple[Any, ...] | None:
        """The position a cursor of this list carries, or a 422 problem."""
        if cursor is None:
            return None
        try:
            payload_text, mac_text = cursor.split(".")
            payload, mac = _unb64(payload_text), _unb64(mac_text)
        except (ValueError, binascii.Error) as exc:
            raise malformed_cursor() from exc
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise malformed_cursor()
        try:
            version, name, values = json.loads(payload)
            if version != VERSION or name != keyset.name or not isinstance(values, list):
                raise ValueError(name)
            if len(values) != len(keyset.shape):
                raise ValueError(values)
            return tuple(_load(kind, v) for kind, v in zip(keyset.shape, values, strict=True))
        except (ValueError, TypeError) as exc:
            raise malformed_cursor() from exc
