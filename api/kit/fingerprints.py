"""Client addresses as the product keeps them: never raw, only keyed fingerprints."""

from __future__ import annotations

import hashlib
import hmac

from api.bootstrap import Services


def ip_fingerprint(services: Services, tenant_slug: str, ip: str) -> bytes:
    """HMAC of the tenant and the client address: stable within a tenant, useless outside."""
    message = f"{tenant_slug}\n{ip}".encode()
    return hmac.new(services.hash_secret, message, hashlib.sha256).digest()
