"""Webmention (W3C Recommendation) and WebSub: the rules, in plain Python.

A mention names a ``source`` (someone's page) and a ``target`` (one of our public
posts). It is checked here for its form; the worker then fetches the source and keeps
the mention only if the page links to the target. What the page is (a reply, a like, a
repost or a plain mention) comes from its microformats2 (``h-entry`` with
``in-reply-to``, ``like-of``, ``repost-of``); who wrote it from its ``h-card``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from domain.kernel.errors import InvalidInput

MAX_URL_CHARS = 2000
MAX_TARGETS = 50  # pages of one post that are sent a mention
MAX_AUTHOR_NAME = 80
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


class MentionRejected(InvalidInput):
    """A Webmention request the receiver refuses (answered 400, as the spec asks)."""


class MentionKind(StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    LIKE = "like"
    REPOST = "repost"


class MentionState(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    DELETED = "deleted"


class PingKind(StrEnum):
    WEBMENTION = "webmention"
    WEBSUB = "websub"


class PingStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NO_ENDPOINT = "no_endpoint"


@dataclass(frozen=True)
class PostAddress:
    """The post a target URL names: site, blog and post slugs."""

    tenant: str
    blog: str
    post: str


def endpoint_url(base_url: str, tenant_slug: str) -> str:
    """Where a site takes Webmentions."""
    return f"{base_url.rstrip('/')}/v1/sites/{tenant_slug}/webmention"


def endpoint_link(base_url: str, tenant_slug: str) -> str:
    """The HTTP ``Link`` value that advertises it."""
    return f'<{endpoint_url(base_url, tenant_slug)}>; rel="webmention"'


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def checked_url(value: str, field: str) -> str:
    """An absolute http(s) URL, or MentionRejected."""
    url = value.strip()
    if not url or len(url) > MAX_URL_CHARS:
        raise MentionRejected(f"The {field} must be a URL of at most {MAX_URL_CHARS} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise MentionRejected(f"The {field} is not a valid URL.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MentionRejected(f"The {field} must be an absolute http or https URL.")
    if parts.username is not None or parts.password is not None:
        raise MentionRejected(f"The {field} may not carry a user name or password.")
    return url


def normal(url: str) -> str:
    """A URL as compared with another: no fragment, lower-case scheme and host, no
    trailing slash, default ports dropped."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, host, path, parts.query, ""))


def same_url(a: str, b: str) -> bool:
    return normal(a) == normal(b)


def post_address(base_url: str, target: str) -> PostAddress | None:
    """The post one of our URLs names: the theme's page (``/sites/{t}/blogs/{b}/{p}``
    or ``/s/…``) or the API's document (``/v1/sites/{t}/blogs/{b}/posts/{p}``), on the
    host of ``base_url``. None for anything else."""
    try:
        ours, theirs = urlsplit(base_url), urlsplit(target)
        if (ours.hostname or "").lower() != (theirs.hostname or "").lower():
            return None
        if (ours.port or _default(ours.scheme)) != (theirs.port or _default(theirs.scheme)):
            return None
    except ValueError:
        return None
    prefix = ours.path.rstrip("/")
    path = theirs.path
    if prefix:
        if not path.startswith(prefix + "/"):
            return None
        path = path[len(prefix) :]
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) == 5 and parts[0] in ("sites", "s") and parts[2] == "blogs":
        return PostAddress(parts[1], parts[3], parts[4])
    if len(parts) == 7 and parts[:2] == ["v1", "sites"] and parts[3:6:2] == ["blogs", "posts"]:
        return PostAddress(parts[2], parts[4], parts[6])
    return None


def site_post_address(tenant: str, target: str) -> tuple[str, PostAddress] | None:
    """On a tenant's own domain, the host a target names (lower case) and the post its
    path names: the theme's page there (``/blogs/{b}/{p}``), or the platform's forms
    (``/s/{t}/blogs/…``, ``/sites/{t}/blogs/…``, the API's document) when they name that
    same tenant. Only ``http``/``https`` on their default port. None for anything else;
    whether the host is one of the tenant's domains is the caller's question."""
    try:
        theirs = urlsplit(target)
        host = (theirs.hostname or "").lower()
        if theirs.scheme not in ("http", "https") or not host:
            return None
        if (theirs.port or _default(theirs.scheme)) != _default(theirs.scheme):
            return None
    except ValueError:
        return None
    parts = [unquote(p) for p in theirs.path.strip("/").split("/")]
    if len(parts) == 3 and parts[0] == "blogs":
        return host, PostAddress(tenant, parts[1], parts[2])
    origin = f"{theirs.scheme}://{theirs.netloc}"
    address = post_address(origin, target)
    if address is None or address.tenant != tenant:
        return None
    return host, address


def _default(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def check_request(source: str, target: str) -> tuple[str, str]:
    source, target = checked_url(source, "source"), checked_url(target, "target")
    if same_url(source, target):
        raise MentionRejected("The source and the target are the same page.")
    return source, target


# --- microformats2 ----------------------------------------------------------------------


def _urls(values: Any) -> list[str]:
    """The URLs an mf2 property names: plain strings, or embedded items' ``url``."""
    found: list[str] = []
    for value in values if isinstance(values, list) else []:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            props = value.get("properties") or {}
            found += [u for u in props.get("url", []) if isinstance(u, str)]
            if isinstance(value.get("value"), str):
                found.append(value["value"])
    return found


def _items(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of the document, children included, in document order."""
    out: list[dict[str, Any]] = []

    def walk(items: Any) -> None:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                out.append(item)
                walk(item.get("children"))
                for values in (item.get("properties") or {}).values():
                    walk([v for v in values if isinstance(v, dict) and "type" in v])

    walk(document.get("items"))
    return out


def entry_of(document: dict[str, Any], target: str) -> dict[str, Any] | None:
    """The h-entry that speaks of the target (replies to, likes or reposts it), else
    the page's first h-entry."""
    entries = [i for i in _items(document) if "h-entry" in (i.get("type") or [])]
    for entry in entries:
        props = entry.get("properties") or {}
        for name in ("in-reply-to", "like-of", "repost-of"):
            if any(same_url(u, target) for u in _urls(props.get(name))):
                return entry
    return entries[0] if entries else None


def kind_of(entry: dict[str, Any] | None, target: str) -> MentionKind:
    if entry is None:
        return MentionKind.MENTION
    props = entry.get("properties") or {}
    for name, kind in (
        ("like-of", MentionKind.LIKE),
        ("repost-of", MentionKind.REPOST),
        ("in-reply-to", MentionKind.REPLY),
    ):
        if any(same_url(u, target) for u in _urls(props.get(name))):
            return kind
    return MentionKind.MENTION


@dataclass(frozen=True)
class Author:
    name: str
    url: str | None
    photo: str | None


def _first_text(values: Any) -> str:
    for value in values if isinstance(values, list) else []:
        if isinstance(value, str) and value.strip():
            return value
        text = value.get("value") if isinstance(value, dict) else None
        if isinstance(text, str) and text.strip():
            return text
    return ""


def _web_url(value: str, limit: int = MAX_URL_CHARS) -> str | None:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(value) > limit:
        return None
    return value.strip()


def author_of(document: dict[str, Any], entry: dict[str, Any] | None) -> Author:
    """The entry's author (an embedded h-card, or a name or URL), else the page's first
    h-card. Names are still raw text here: the caller strips markup."""
    card: dict[str, Any] | None = None
    raw: list[Any] = ((entry or {}).get("properties") or {}).get("author") or []
    for value in raw:
        if isinstance(value, dict) and "h-card" in (value.get("type") or []):
            card = value
            break
    if card is None and raw and isinstance(raw[0], str):
        text = raw[0]
        url = _web_url(text)
        return Author(name="" if url else text, url=url, photo=None)
    if card is None:
        cards = [i for i in _items(document) if "h-card" in (i.get("type") or [])]
        card = cards[0] if cards else None
    if card is None:
        return Author(name="", url=None, photo=None)
    props = card.get("properties") or {}
    photo = _first_text(props.get("photo"))
    if not photo:
        for value in props.get("photo") or []:
            if isinstance(value, dict) and isinstance(value.get("value"), str):
                photo = value["value"]
    return Author(
        name=_first_text(props.get("name")),
        url=_web_url(_first_text(props.get("url"))),
        photo=_web_url(photo),
    )


def content_of(entry: dict[str, Any] | None) -> str:
    """The entry's words as markup to strip: its ``e-content``'s HTML, else its summary,
    else its name (escaped, those being text)."""
    props = (entry or {}).get("properties") or {}
    for value in props.get("content") or []:
        if isinstance(value, dict) and isinstance(value.get("html"), str) and value["html"].strip():
            return str(value["html"])
    for name in ("content", "summary", "name"):
        text = _first_text(props.get(name))
        if text.strip():
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return ""


def retry_delay(attempt: int) -> timedelta | None:
    return RETRY_DELAYS[attempt - 1] if 0 < attempt <= len(RETRY_DELAYS) else None
