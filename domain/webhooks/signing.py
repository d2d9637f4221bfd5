"""Standard Webhooks signatures (https://www.standardwebhooks.com): what the receiver's
library checks. The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the
key is the secret's base64 part; each signature is ``v1,`` and the base64 HMAC-SHA256.
Several signatures (a rotation's old and new secret) are separated by spaces."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from domain.webhooks.model import SECRET_PREFIX


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets),
    }
