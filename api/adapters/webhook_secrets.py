"""Webhook signing secrets at rest: AES-256-GCM under the server's webhook key.

Standard Webhooks signatures are HMACs, so the server must hold each secret to sign
every attempt again: a hash would not do. Each secret is sealed with a fresh 96-bit
nonce, and bound to its tenant and endpoint as associated data, so a sealed value copied
onto another row (or another tenant's) does not open. Stored: ``v1`` byte, nonce,
ciphertext with its tag.
"""

from __future__ import annotations

import os
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


class AesGcmSecretBox:
    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("the webhook key is 32 bytes")
        self._aead = AESGCM(key)

    @staticmethod
    def _bound(tenant_id: UUID, endpoint_id: UUID) -> bytes:
        return f"causerie-webhook:{tenant_id}:{endpoint_id}".encode()

    def seal(self, secret: str, tenant_id: UUID, endpoint_id: UUID) -> bytes:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, secret.encode(), self._bound(tenant_id, endpoint_id))
        return _VERSION + nonce + sealed

    def open(self, sealed: bytes, tenant_id: UUID, endpoint_id: UUID) -> str:
        if sealed[:1] != _VERSION:
            raise ValueError("unknown sealed-secret version")
        nonce, body = sealed[1:13], sealed[13:]
        return self._aead.decrypt(nonce, body, self._bound(tenant_id, endpoint_id)).decode()
