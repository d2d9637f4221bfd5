"""Settings, read from the environment (and an optional ``.env`` file).

Every variable is documented in the README with its default. Names carry the
``CAUSERIE_`` prefix except the conventional ``DATABASE_URL`` and ``REDIS_URL``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from api.adapters.outbound_http import OutboundPolicy


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
    # False behind PgBouncer in transaction mode (no prepared statement outlives its
    # transaction there); see persistence/database.create_engine.
    db_statement_cache: bool = True
    # A direct connection to the primary for LISTEN (the public cache's change notices),
    # which a pooler in transaction mode cannot carry. Unset: the app's own URL.
    listen_database_url: str | None = None
    # A streaming replica (app role) that public reads use while it holds every commit
    # older than replica_max_lag_seconds (persistence/database.Replica). A writer's cookie
    # carries the primary's WAL position after their write for replica_fresh_seconds:
    # their reads go to the replica once it has replayed that far.
    read_replica_url: str | None = None
    replica_fresh_seconds: float = Field(default=5.0, ge=0, le=300)
    replica_max_lag_seconds: float = Field(default=2.0, gt=0, le=300)
    replica_retry_seconds: float = Field(default=5.0, gt=0, le=300)
    replica_check_seconds: float = Field(default=1.0, gt=0, le=60)
    data_dir: Path = Path("var")
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "CAUSERIE_REDIS_URL")
    )

    # The public-read cache (api/public_cache.py): each process keeps anonymous public
    # answers until a committed write changes them (told by LISTEN/NOTIFY).
    public_cache: bool = True
    public_cache_entries: int = Field(default=20_000, ge=100, le=1_000_000)

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

    # The worker (`causerie worker`): how often it looks for events that became due (a
    # scheduled post), how long a claimed job stays its own without a heartbeat before
    # another worker takes it (a crashed worker's jobs), and jobs run at once.
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    worker_lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    worker_concurrency: int = Field(default=10, ge=1, le=200)
    # `causerie serve` starts one worker beside the API unless told not to.
    serve_with_worker: bool = True

    # Outbound HTTP (webhooks): the ports a receiver may listen on, the time an exchange
    # may take, the size of an answer, and whether loopback addresses may be reached (on
    # any port). Unset, loopback is allowed in development only; production refuses it.
    outbound_allowed_ports: list[int] = Field(default_factory=lambda: [80, 443])
    outbound_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    outbound_max_response_bytes: int = Field(default=1024 * 1024, ge=1024)
    outbound_allow_loopback: bool | None = None
    # The key that encrypts webhook signing secrets at rest (any string of 32+ characters;
    # SHA-256 of it is the AES key). Unset: derived from the JWT keys, so rotating those
    # would make every stored webhook secret unreadable: set it in production.
    webhook_secret_key: SecretStr | None = None
    # Inbox POSTs a tenant takes from one remote instance per minute (federation).
    federation_inbox_per_minute: int = Field(default=300, ge=1)
    # Signed fetches only (Mastodon's "secure mode", "authorized fetch"): the outbox,
    # followers and articles answer only a GET signed by a remote actor (401 otherwise),
    # and an unsigned GET of an actor gets its key and inbox only.
    federation_signed_fetch: bool = False
    # Webmention: mentions a site takes from one source host per minute, and the size a
    # source page may have (the outbound cap applies too, whichever is smaller).
    webmention_per_minute: int = Field(default=30, ge=1)
    webmention_max_source_bytes: int = Field(default=1024 * 1024, ge=1024)
    # WebSub: the hubs pinged when a post is published or updated (a JSON list of URLs);
    # the feeds name them with rel="hub". Empty: no hub, no ping.
    websub_hubs: list[str] = Field(default_factory=list)

    # Mail (api/mail): the SMTP server every message goes through, and the sender. Unset
    # host: in development, the built-in catcher (an SMTP server on loopback started with
    # the app, CAUSERIE_MAIL_CATCHER); production must name a real server, and refuses to
    # start with the catcher unless CAUSERIE_MAIL_CATCHER_IN_PRODUCTION says so.
    mail_smtp_host: str | None = None
    mail_smtp_port: int = Field(default=587, ge=1, le=65535)
    # none: plain SMTP; starttls: upgrade after EHLO (submission, 587); tls: TLS from the
    # first byte (SMTPS, 465).
    mail_smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    mail_smtp_username: str | None = None
    mail_smtp_password: SecretStr | None = None
    mail_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    mail_from_address: str = "no-reply@causerie.localhost"
    mail_from_name: str = "Causerie"
    mail_catcher: bool | None = None
    mail_catcher_port: int = Field(default=8025, ge=1, le=65535)
    mail_catcher_in_production: bool = False
    email_verification_ttl_seconds: int = Field(default=3 * 86400, ge=3600, le=30 * 86400)
    password_reset_ttl_seconds: int = Field(default=1800, ge=300, le=86400)
    # Reset requests: answered 429 beyond this many a minute for one address (whether or
    # not it has an account); beyond this many mails an hour, quietly not sent.
    password_reset_requests_per_address_per_minute: int = Field(default=3, ge=1, le=100)
    password_resets_per_address_per_hour: int = Field(default=5, ge=1, le=100)
    # E-mail change: the confirmation link's lifetime; requests an account may make a minute
    # (429 above) and an hour (more are answered alike, not mailed).
    email_change_ttl_seconds: int = Field(default=86400, ge=600, le=7 * 86400)
    email_change_requests_per_account_per_minute: int = Field(default=3, ge=1, le=100)
    email_changes_per_account_per_hour: int = Field(default=5, ge=1, le=100)

    @model_validator(mode="after")
    def _catcher_not_in_production(self) -> Settings:
        if self.is_production and self.mail_catcher and not self.mail_catcher_in_production:
            raise ValueError(
                "The built-in mail catcher keeps every mail on this machine: production "
                "needs CAUSERIE_MAIL_SMTP_HOST (a real server), or "
                "CAUSERIE_MAIL_CATCHER_IN_PRODUCTION=true to keep the catcher knowingly."
            )
        return self

    @property
    def smtp_target(self) -> tuple[str, int, str] | None:
        """(host, port, security) of the server mail goes to; None: none configured."""
        if self.mail_smtp_host:
            return self.mail_smtp_host, self.mail_smtp_port, self.mail_smtp_security
        if self.catcher_enabled:
            return "127.0.0.1", self.mail_catcher_port, "none"
        return None

    @property
    def catcher_enabled(self) -> bool:
        if self.mail_catcher is None:
            return self.mail_smtp_host is None and self.environment == "development"
        return self.mail_catcher

    @model_validator(mode="after")
    def _replica_bounds_agree(self) -> Settings:
        if self.replica_max_lag_seconds <= self.replica_check_seconds:
            raise ValueError(
                "CAUSERIE_REPLICA_MAX_LAG_SECONDS must exceed CAUSERIE_REPLICA_CHECK_SECONDS: "
                "between two looks an idle replica would seem to lag."
            )
        if self.replica_fresh_seconds < self.replica_max_lag_seconds:
            raise ValueError(
                "CAUSERIE_REPLICA_FRESH_SECONDS must be at least CAUSERIE_REPLICA_MAX_LAG_"
                "SECONDS: once a writer's cookie expires, the lag bound must cover the write."
            )
        return self

    @model_validator(mode="after")
    def _loopback_never_in_production(self) -> Settings:
        if self.is_production and self.outbound_allow_loopback:
            raise ValueError(
                "CAUSERIE_OUTBOUND_ALLOW_LOOPBACK cannot be set in production: outbound "
                "requests would reach this machine's own services."
            )
        return self

    @property
    def loopback_allowed(self) -> bool:
        if self.outbound_allow_loopback is None:
            return self.environment == "development"
        return self.outbound_allow_loopback

    @property
    def outbound_policy(self) -> OutboundPolicy:
        from api.adapters.outbound_http import OutboundPolicy

        return OutboundPolicy(
            allowed_ports=frozenset(self.outbound_allowed_ports),
            allow_loopback=self.loopback_allowed,
            timeout_seconds=self.outbound_timeout_seconds,
            max_response_bytes=self.outbound_max_response_bytes,
        )

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
