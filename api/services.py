"""Long-lived collaborators built once per app from the settings."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from api.settings import Settings
from api.tenant_limits import PlanRateCache
from auth.jwt_tokens import KeyRing
from auth.passwords import Argon2PasswordHasher
from auth.rate_limit import RateLimiter
from auth.sessions import Sessions

log = logging.getLogger("causerie.services")


def _jwt_key_spec(settings: Settings) -> str:
    """Configured keys, or (outside production) a key generated once and kept in data_dir."""
    if settings.jwt_keys:
        return settings.jwt_keys.get_secret_value()
    if settings.is_production:
        raise RuntimeError("Set CAUSERIE_JWT_KEYS in production (kid:secret, 32+ characters).")
    path = Path(settings.data_dir) / "jwt-keys"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(KeyRing.generate_spec())
        os.chmod(path, 0o600)
        log.info("generated a development JWT key in %s", path)
    return path.read_text().strip()


@dataclass
class Services:
    settings: Settings
    hasher: Argon2PasswordHasher
    keyring: KeyRing
    sessions: Sessions
    limiter: RateLimiter
    plan_rates: PlanRateCache

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        keyring = KeyRing.parse(
            _jwt_key_spec(settings),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )
        return cls(
            settings=settings,
            hasher=Argon2PasswordHasher(fast=settings.environment == "test"),
            keyring=keyring,
            sessions=Sessions(keyring, settings.refresh_token_ttl_seconds),
            limiter=RateLimiter(settings.redis_url),
            plan_rates=PlanRateCache(),
        )

    async def aclose(self) -> None:
        return None
