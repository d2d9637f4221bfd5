"""Unit tests of the key ring behind access tokens (no database, no HTTP)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from jose import jwt as jose_jwt

from auth.jwt_tokens import ALGORITHM, InvalidToken, KeyRing
from tests.conftest import JWT_KEYS

ISSUER, AUDIENCE = "causerie", "causerie-api"
KEYS = dict(part.split(":", 1) for part in JWT_KEYS.split(","))
NEW_KID, OLD_KID = list(KEYS)


def ring(keys: dict[str, str] | None = None, **kwargs) -> KeyRing:
    options = {"issuer": ISSUER, "audience": AUDIENCE, "ttl_seconds": 900} | kwargs
    return KeyRing(keys if keys is not None else dict(KEYS), **options)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides) -> dict:
    now = int(datetime.now(UTC).timestamp())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid4()),
        "iat": now,
        "exp": now + 300,
        "jti": uuid4().hex,
        "tv": 1,
        "sid": str(uuid4()),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_issue_then_verify_round_trips():
    keyring = ring()
    user_id = uuid4()
    token, expires_in = keyring.issue(user_id, 7, uuid4())
    assert expires_in == 900
    header = jose_jwt.get_unverified_header(token)
    assert header["alg"] == ALGORITHM == "HS256" and header["kid"] == NEW_KID
    got = keyring.verify(token)
    assert got.user_id == user_id and got.token_version == 7
    assert len(got.jti) == 32
    assert abs((got.expires_at - datetime.now(UTC)).total_seconds() - 900) < 5


def test_every_token_has_its_own_jti():
    keyring = ring()
    user_id = uuid4()
    first = keyring.verify(keyring.issue(user_id, 1, uuid4())[0])
    second = keyring.verify(keyring.issue(user_id, 1, uuid4())[0])
    assert first.jti != second.jti


def test_parse_reads_kid_secret_pairs_and_the_first_signs():
    keyring = KeyRing.parse(JWT_KEYS, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=60)
    token, expires_in = keyring.issue(uuid4(), 1, uuid4())
    assert expires_in == 60
    assert jose_jwt.get_unverified_header(token)["kid"] == NEW_KID
    spaced = KeyRing.parse(
        f" {NEW_KID}:{KEYS[NEW_KID]} , {OLD_KID}:{KEYS[OLD_KID]} ",
        issuer=ISSUER,
        audience=AUDIENCE,
        ttl_seconds=60,
    )
    assert spaced.verify(token).token_version == 1


@pytest.mark.parametrize("spec", ["", "nokey", ":secret" + "s" * 40, "kid:", "a:" + "s" * 40 + ","])
def test_parse_refuses_malformed_specs(spec):
    with pytest.raises(ValueError):
        KeyRing.parse(spec, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=60)


def test_short_or_missing_keys_are_refused():
    with pytest.raises(ValueError):
        ring({})
    with pytest.raises(ValueError):
        ring({"k": "s" * 31})
    ring({"k": "s" * 32})


def test_generated_spec_parses_and_works():
    spec = KeyRing.generate_spec()
    keyring = KeyRing.parse(spec, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=60)
    assert keyring.verify(keyring.issue(uuid4(), 3, uuid4())[0]).token_version == 3
    assert KeyRing.generate_spec() != spec


def test_rotation_older_key_verifies_until_retired():
    old_only = ring({OLD_KID: KEYS[OLD_KID]})
    token, _ = old_only.issue(uuid4(), 1, uuid4())
    assert ring().verify(token).token_version == 1
    with pytest.raises(InvalidToken):
        ring({NEW_KID: KEYS[NEW_KID]}).verify(token)


def test_same_kid_with_another_secret_fails():
    token, _ = ring().issue(uuid4(), 1, uuid4())
    with pytest.raises(InvalidToken):
        ring({NEW_KID: "x" * 48}).verify(token)


def test_expiry_has_a_small_leeway_only():
    keyring = ring(ttl_seconds=60)
    user_id = uuid4()
    just_expired, _ = keyring.issue(
        user_id, 1, uuid4(), now=datetime.now(UTC) - timedelta(seconds=62)
    )
    assert keyring.verify(just_expired).user_id == user_id
    expired, _ = keyring.issue(user_id, 1, uuid4(), now=datetime.now(UTC) - timedelta(seconds=70))
    with pytest.raises(InvalidToken):
        keyring.verify(expired)


def test_issuer_and_audience_must_match():
    token, _ = ring().issue(uuid4(), 1, uuid4())
    with pytest.raises(InvalidToken):
        ring(issuer="other").verify(token)
    with pytest.raises(InvalidToken):
        ring(audience="other").verify(token)


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub", "jti", "tv"])
def test_every_claim_is_required(missing):
    token = jose_jwt.encode(
        claims(**{missing: None}), KEYS[NEW_KID], algorithm="HS256", headers={"kid": NEW_KID}
    )
    with pytest.raises(InvalidToken):
        ring().verify(token)


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_other_hmac_algorithms_are_refused(alg):
    token = jose_jwt.encode(claims(), KEYS[NEW_KID], algorithm=alg, headers={"kid": NEW_KID})
    with pytest.raises(InvalidToken):
        ring().verify(token)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "kid": NEW_KID},
        {"alg": "RS256", "kid": NEW_KID},
        {"alg": "HS256"},
        {"alg": "HS256", "kid": "nope"},
        {"alg": "HS256", "kid": [NEW_KID]},
        {"alg": "HS256", "kid": {"k": NEW_KID}},
        {"alg": "HS256", "kid": 1},
        {"alg": ["HS256"], "kid": NEW_KID},
    ],
)
def test_headers_other_than_hs256_with_a_known_kid_are_refused(header):
    signing_input = (
        b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims()).encode())
    ).encode()
    signature = b64(hmac.new(KEYS[NEW_KID].encode(), signing_input, hashlib.sha256).digest())
    with pytest.raises(InvalidToken):
        ring().verify(signing_input.decode() + "." + signature)


def test_a_handmade_hs256_token_is_accepted():
    header = {"alg": "HS256", "kid": NEW_KID, "typ": "JWT"}
    signing_input = (
        b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims(tv=4)).encode())
    ).encode()
    signature = b64(hmac.new(KEYS[NEW_KID].encode(), signing_input, hashlib.sha256).digest())
    assert ring().verify(signing_input.decode() + "." + signature).token_version == 4


@pytest.mark.parametrize(
    "token", ["", "x", "a.b", "a.b.c", "a.b.c.d", "....", "\x00", "é.é.é", "e" * 5000]
)
def test_garbage_is_refused(token):
    with pytest.raises(InvalidToken):
        ring().verify(token)


def test_over_long_tokens_are_refused_before_parsing():
    keyring = ring()
    token = jose_jwt.encode(
        claims(pad="p" * 5000), KEYS[NEW_KID], algorithm="HS256", headers={"kid": NEW_KID}
    )
    with pytest.raises(InvalidToken):
        keyring.verify(token)


@pytest.mark.parametrize("overrides", [{"sub": "nope"}, {"tv": "x"}, {"tv": None, "tv2": 1}])
def test_malformed_claim_values_are_refused(overrides):
    token = jose_jwt.encode(
        claims(**overrides), KEYS[NEW_KID], algorithm="HS256", headers={"kid": NEW_KID}
    )
    with pytest.raises(InvalidToken):
        ring().verify(token)
