"""Opaque secrets (refresh tokens, invitation tokens, API keys): made random, kept hashed.

They carry 256 bits of entropy, so a single SHA-256 is the right storage hash: there is
nothing to brute-force, and lookups stay one indexed equality.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_KEY_PREFIX = "cau"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def new_api_key() -> tuple[str, str]:
    """A key ``cau_<lookup prefix>_<secret>`` and its prefix (stored in clear for lookup)."""
    prefix = secrets.token_hex(6)
    return f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def split_api_key(key: str) -> str | None:
    """The lookup prefix of a well-formed key, or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(parts[1]) != 12 or len(key) > 128:
        return None
    return parts[1]


def same_hash(stored: bytes, presented: str) -> bool:
    return hmac.compare_digest(stored, token_hash(presented))
