"""JWT access tokens. The only module that imports the JWT library.

HS256 is the one algorithm accepted on verify. Keys carry an id (``kid``): the first
key signs; every configured key verifies, so a key can be rotated by adding a new one
first and retiring the old one once its tokens have expired.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from jose import JWTError, jwt

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "jti")
LEEWAY_SECONDS = 5  # for exp
IAT_LEEWAY_SECONDS = 60  # a token issued further in the future than this is forged or
# signed by a host whose clock is wrong: refused either way (RFC 8725 §3.10)


class InvalidToken(Exception):
    """Any reason at all: the caller answers 401 without saying which."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: UUID
    token_version: int
    jti: str
    expires_at: datetime
    session_id: UUID  # the refresh-token family: the token dies with its session


class KeyRing:
    def __init__(self, keys: dict[str, str], *, issuer: str, audience: str, ttl_seconds: int):
        if not keys:
            raise ValueError("At least one JWT key is needed.")
        for kid, secret in keys.items():
            if len(secret) < 32:
                raise ValueError(f"JWT key {kid!r} is too short: use at least 32 characters.")
        self._keys = dict(keys)
        self._signing_kid = next(iter(keys))
        self.issuer, self.audience, self.ttl = issuer, audience, timedelta(seconds=ttl_seconds)

    @classmethod
    def parse(cls, spec: str, **kwargs: Any) -> KeyRing:
        """``"kid1:secret1,kid2:secret2"`` — the first key signs."""
        keys = {}
        for part in spec.split(","):
            kid, _, secret = part.strip().partition(":")
            if not kid or not secret:
                raise ValueError("CAUSERIE_JWT_KEYS must look like kid:secret[,kid:secret]")
            keys[kid] = secret
        return cls(keys, **kwargs)

    @staticmethod
    def generate_spec() -> str:
        return f"k{secrets.token_hex(4)}:{secrets.token_urlsafe(48)}"

    def issue(
        self,
        user_id: UUID,
        token_version: int,
        session_id: UUID,
        *,
        now: datetime | None = None,
    ) -> tuple[str, int]:
        now = now or datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid4().hex,
            "tv": token_version,
            "sid": str(session_id),
        }
        token = jwt.encode(
            claims,
            self._keys[self._signing_kid],
            algorithm=ALGORITHM,
            headers={"kid": self._signing_kid},
        )
        return token, int(self.ttl.total_seconds())

    def verify(self, token: str, *, now: datetime | None = None) -> AccessClaims:
        if len(token) > 4096:
            raise InvalidToken
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise InvalidToken from exc
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or not isinstance(kid, str) or kid not in self._keys:
            raise InvalidToken
        if "crit" in header:  # we understand no extension: RFC 7515 §4.1.11 says refuse
            raise InvalidToken
        try:
            claims = jwt.decode(
                token,
                self._keys[kid],
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require_" + c: True for c in REQUIRED_CLAIMS}
                | {"leeway": LEEWAY_SECONDS},
            )
            issued_at = claims["iat"]
            if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
                raise InvalidToken
            if issued_at > (now or datetime.now(UTC)).timestamp() + IAT_LEEWAY_SECONDS:
                raise InvalidToken
            return AccessClaims(
                user_id=UUID(claims["sub"]),
                token_version=int(claims["tv"]),
                jti=str(claims["jti"]),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
                session_id=UUID(claims["sid"]),
            )
        except (JWTError, KeyError, ValueError, TypeError) as exc:
            raise InvalidToken from exc
