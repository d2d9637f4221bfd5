"""The read counter's privacy rules: who counts, and how a visitor is recognised.

A visitor is an HMAC of the tenant, the client address and the user agent, keyed by a
salt that changes every day (an HMAC of the server's secret and the date). The same
visitor reading the same post twice in a day is counted once; the next day the salt is
new and nothing links the two days. Neither the address nor the user agent is stored,
and yesterday's keys are deleted as today's arrive.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

# Crawlers, link previews, monitors and command-line clients: answered, never counted.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|"
    r"headless|phantom|lighthouse|curl|wget|python-|httpx|aiohttp|go-http|java/|okhttp|"
    r"scrapy|feedfetcher|mediapartners",
    re.IGNORECASE,
)
MAX_USER_AGENT = 512


def is_bot(user_agent: str | None) -> bool:
    """No user agent at all, or one that names a robot or a tool."""
    if not user_agent or not user_agent.strip():
        return True
    return bool(BOT_PATTERN.search(user_agent[:MAX_USER_AGENT]))


def daily_salt(secret: bytes, day: date) -> bytes:
    return hmac.new(secret, f"causerie read counter {day.isoformat()}".encode(), "sha256").digest()


def visitor_key(secret: bytes, day: date, tenant: str, address: str, user_agent: str) -> bytes:
    message = f"{tenant}\n{address}\n{user_agent[:MAX_USER_AGENT]}".encode()
    return hmac.new(daily_salt(secret, day), message, hashlib.sha256).digest()
