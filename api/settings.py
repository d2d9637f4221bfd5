"""Settings, read from the environment (and an optional ``.env`` file).

Every variable is documented in the README with its default. Names carry the
``CAUSERIE_`` prefix except the conventional ``DATABASE_URL`` and ``REDIS_URL``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CAUSERIE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "CAUSERIE_DATABASE_URL")
    )
    # Where the app role connects; derived from DATABASE_URL (same server, user causerie_app).
    app_database_url: str | None = None
    app_db_password: SecretStr | None = None
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    data_dir: Path = Path("var")
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "CAUSERIE_REDIS_URL")
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_base_url: str | None = None
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)
    # uvicorn's own limits (`causerie serve`): idle keep-alive, requests in progress
    # before it answers 503, and the bytes of an incomplete request line + headers.
    keep_alive_seconds: int = Field(default=5, ge=1, le=300)
    max_concurrent_requests: int = Field(default=1000, ge=1)
    max_header_bytes: int = Field(default=32 * 1024, ge=4096)
    console_origin: str | None = None
    log_level: str = "INFO"
    log_json: bool = True

    # JWT: HS256 keys by id ("kid:secret,kid2:secret2"); the first signs, all verify.
    jwt_keys: SecretStr | None = None
    jwt_issuer: str = "causerie"
    jwt_audience: str = "causerie-api"
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86400, ge=300)
    invitation_ttl_seconds: int = Field(default=7 * 86400, ge=300)

    # Password hashes (argon2, 64 MiB each): at most this many at once (unset: the CPUs
    # this process may use) and this many more waiting (unset: four per running one);
    # beyond that, sign-ins and sign-ups answer 503 with Retry-After at once.
    password_hash_concurrency: int | None = Field(default=None, ge=1, le=256)
    password_hash_queue: int | None = Field(default=None, ge=0, le=10000)

    sign_in_per_ip_per_minute: int = Field(default=30, ge=1)
    sign_in_per_account_per_minute: int = Field(default=10, ge=1)

    # Key of the HMAC that turns a client address into a per-tenant fingerprint (rate
    # limits, repeat detection); unset: derived from the JWT keys.
    hash_secret: SecretStr | None = None
    comments_per_ip_per_minute: int = Field(default=10, ge=1)
    comments_per_user_per_minute: int = Field(default=6, ge=1)
    ratings_per_ip_per_minute: int = Field(default=30, ge=1)
    views_per_ip_per_minute: int = Field(default=120, ge=1)
    # Calls of each platform key (the billing system) on tenants' routes: a budget of
    # their own, never the tenant's plan rate.
    platform_requests_per_minute: int = Field(default=6000, ge=1)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
