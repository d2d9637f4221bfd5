"""Signed download links for export archives.

A link names the tenant, the export and its end (a Unix time) and carries an HMAC-SHA256
of the three under a key derived from the server's hashing secret: it works without a
token (a browser can follow it) until its end, for that export only. Altered in any
part, it is refused (403 ``link_invalid``); past its end, 410 ``link_expired``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from uuid import UUID

from api.problems import ApiProblem

_PURPOSE = b"causerie export download links"


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def signature(secret: bytes, tenant_id: UUID, export_id: UUID, expires: int) -> str:
    message = f"{tenant_id}.{export_id}.{expires}".encode()
    digest = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link(
    base_url: str, secret: bytes, slug: str, tenant_id: UUID, export_id: UUID, until: datetime
) -> str:
    expires = int(until.timestamp())
    sig = signature(secret, tenant_id, export_id, expires)
    return (
        f"{base_url.rstrip('/')}/v1/tenants/{slug}/exports/{export_id}/archive"
        f"?expires={expires}&signature={sig}"
    )


def verify(
    secret: bytes, tenant_id: UUID, export_id: UUID, expires: int, given: str, now: datetime
) -> None:
    expected = signature(secret, tenant_id, export_id, expires)
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise ApiProblem("link_invalid", "This download link is not valid.")
    if now.timestamp() >= expires:
        raise ApiProblem("link_expired", "This download link has expired.")
