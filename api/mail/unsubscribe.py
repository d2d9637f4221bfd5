"""One-click unsubscribe tokens (RFC 8058): which person, which notification, signed.

A token is ``<user id>.<kind>.<signature>``; the signature is an HMAC-SHA256 of the
tenant, the person and the kind under the server's mail key, so a token works only on its
own tenant's site, for its own person, and cannot be made up or altered. It does not
expire: an unsubscribe link in an old mail keeps working, as RFC 8058 expects.
"""

from __future__ import annotations

import base64
import hmac
from uuid import UUID

from domain.mail.model import Notification


def _signature(key: bytes, tenant_id: UUID, user_id: UUID, kind: str) -> str:
    digest = hmac.new(key, f"unsubscribe:{tenant_id}:{user_id}:{kind}".encode(), "sha256")
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def sign(key: bytes, tenant_id: UUID, user_id: UUID, kind: str) -> str:
    return f"{user_id.hex}.{kind}.{_signature(key, tenant_id, user_id, kind)}"


def read(key: bytes, tenant_id: UUID, token: str) -> tuple[UUID, Notification] | None:
    """(person, notification) of a genuine token for this tenant; None otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    raw_user, kind, signature = parts
    try:
        user_id = UUID(hex=raw_user)
        notification = Notification(kind)
    except ValueError:
        return None
    expected = _signature(key, tenant_id, user_id, kind)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return user_id, notification
