"""The one wiring place: every long-lived collaborator (adapters, caches, keys) is built
here, once per app, from the settings, and handed to the code that needs it."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from api.adapters.comment_text import MarkdownCommentRenderer
from api.adapters.federation_keys import KeyBox, RemoteActors
from api.adapters.text import MarkdownTextEngine
from api.adapters.tone import default_classifier
from api.adapters.webhook_secrets import AesGcmSecretBox
from api.kit.cursors import CursorCodec
from api.settings import Settings
from api.site_cache import HostCache, SiteCache
from auth.jwt_tokens import KeyRing
from auth.passwords import Argon2PasswordHasher
from auth.rate_limit import Clock, RateLimiter
from auth.sessions import Sessions
from domain.comments.ports import CommentRenderer, ToneClassifier
from domain.kernel.text import TextEngine

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


def _hash_secret(settings: Settings, jwt_spec: str) -> bytes:
    """The key that fingerprints client addresses: configured, or derived from the JWT keys
    (then rotating the JWT keys starts the fingerprints afresh, which only resets the
    comment rate limits and repeat detection)."""
    if settings.hash_secret:
        return settings.hash_secret.get_secret_value().encode()
    return hmac.new(jwt_spec.encode(), b"causerie client-address fingerprint", "sha256").digest()


def webhook_box(settings: Settings) -> AesGcmSecretBox:
    """The box that seals webhook signing secrets: the configured key, or one derived
    from the JWT keys (the API and every worker derive the same one)."""
    if settings.webhook_secret_key:
        material = settings.webhook_secret_key.get_secret_value().encode()
        return AesGcmSecretBox(hashlib.sha256(material).digest())
    spec = _jwt_key_spec(settings)
    return AesGcmSecretBox(hmac.new(spec.encode(), b"causerie webhook secrets", "sha256").digest())


def mail_key(settings: Settings) -> bytes:
    """The key that signs the links of mails (one-click unsubscribe), derived from the
    JWT keys: the API and every worker derive the same one."""
    spec = _jwt_key_spec(settings)
    return hmac.new(spec.encode(), b"causerie mail links", "sha256").digest()


def read_token_key(settings: Settings) -> bytes:
    """The key that signs a writer's read-your-writes cookie (``api/read_routing.py``):
    every API process derives the same one from the JWT keys."""
    spec = _jwt_key_spec(settings)
    return hmac.new(spec.encode(), b"causerie read-your-writes", "sha256").digest()


def federation_box(settings: Settings) -> KeyBox:
    """The box that seals blogs' private actor keys, derived like the webhook box (with
    another label, so neither key opens the other's secrets)."""
    if settings.webhook_secret_key:
        material = settings.webhook_secret_key.get_secret_value().encode()
        return KeyBox(hmac.new(material, b"causerie actor keys", "sha256").digest())
    spec = _jwt_key_spec(settings)
    return KeyBox(hmac.new(spec.encode(), b"causerie actor keys", "sha256").digest())


@dataclass
class Services:
    settings: Settings
    hasher: Argon2PasswordHasher
    keyring: KeyRing
    sessions: Sessions
    limiter: RateLimiter
    cursors: CursorCodec
    hash_secret: bytes = b""
    webhooks: AesGcmSecretBox | None = None
    actor_keys: KeyBox | None = None
    remote_actors: RemoteActors | None = None
    sites: SiteCache = field(default_factory=SiteCache)
    hosts: HostCache = field(default_factory=HostCache)
    text: TextEngine = field(default_factory=MarkdownTextEngine)  # Markdown, slugs
    comment_text: CommentRenderer = field(default_factory=MarkdownCommentRenderer)
    # One per process: its model and lexicons take under a second to load.
    tone: ToneClassifier = field(default_factory=default_classifier)

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock = time.time) -> Services:
        """The adapters the settings ask for; ``clock`` times the rate-limit windows."""
        spec = _jwt_key_spec(settings)
        keyring = KeyRing.parse(
            spec,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )
        secret = _hash_secret(settings, spec)
        return cls(
            settings=settings,
            hasher=Argon2PasswordHasher(
                fast=settings.environment == "test",
                concurrency=settings.password_hash_concurrency,
                queue=settings.password_hash_queue,
            ),
            keyring=keyring,
            sessions=Sessions(keyring, settings.refresh_token_ttl_seconds),
            limiter=RateLimiter(settings.redis_url, clock=clock),
            cursors=CursorCodec(secret),
            hash_secret=secret,
            webhooks=webhook_box(settings),
            actor_keys=federation_box(settings),
            remote_actors=RemoteActors(),
        )

    def forget_tenant(self, tenant_id: UUID | None) -> None:
        """What the public side keeps of a tenant (everything for None), when a process
        changed it: its site entry and its custom domains (``api/site_cache.py``)."""
        slug = self.sites.slug_of(tenant_id) if tenant_id is not None else None
        self.sites.forget_tenant(tenant_id)
        self.hosts.forget_tenant(slug)

    async def aclose(self) -> None:
        return None
