"""Outbound HTTP that cannot be turned against us: webhooks now, imports and federation later.

- http and https only, on the allowed ports (80 and 443 unless configured), no user or
  password in the URL;
- the host is resolved once and *every* address it resolves to must be public: private,
  loopback, link-local (169.254.169.254, the cloud metadata address, among them),
  multicast, CGNAT (100.64.0.0/10), reserved and unspecified ranges are refused, also
  when written as a decimal, hex or octal number or as an IPv4-mapped IPv6 address;
- the connection goes to the very address that was checked (the name is kept for the
  Host header and TLS's SNI and certificate check), so a DNS answer that changes between
  the check and the connection (rebinding) gains nothing;
- redirects are not followed: a 3xx answer is a failure;
- the whole exchange is capped in time (10 s) and the answer in size (1 MiB);
- no proxy from the environment, no cookies, no credentials: only the headers the caller
  passes.

Loopback may be allowed (tests, `make run`), on any port, for a listener on one's own
machine; production refuses that setting (api/settings.py).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import certifi
import httpx

MAX_URL_CHARS = 2000
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class OutboundRefused(Exception):
    """The URL, an address it resolves to, or the answer breaks the rules above."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class OutboundPolicy:
    allowed_ports: frozenset[int] = frozenset({80, 443})
    allow_loopback: bool = False
    timeout_seconds: float = 10.0
    max_response_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    duration_ms: float
    address: str = field(default="")


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: building one loads the CA bundle, about 75 ms of CPU
    on the shared machine, which made every webhook attempt pay it (bench/events.py)."""
    return ssl.create_default_context(cafile=certifi.where())


def _refuse(code: str, detail: str) -> OutboundRefused:
    return OutboundRefused(code, detail)


def parse_url(url: str, policy: OutboundPolicy) -> SplitResult:
    """The URL's own rules (scheme, length, credentials, port); addresses come later."""
    if len(url) > MAX_URL_CHARS:
        raise _refuse("url_too_long", f"A URL has at most {MAX_URL_CHARS} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refuse("invalid_url", "This is not a valid URL.") from exc
    if parts.scheme not in ("http", "https"):
        raise _refuse("scheme_not_allowed", "Only http and https URLs are allowed.")
    if not parts.hostname:
        raise _refuse("invalid_url", "The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise _refuse("credentials_in_url", "A URL may not carry a user name or password.")
    if port is not None and not 0 < port < 65536:
        raise _refuse("invalid_url", "The URL's port is out of range.")
    return parts


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def literal_address(host: str) -> Address | None:
    """The address a host written as a number stands for, in any of the forms a resolver
    accepts (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def refusal_of(address: Address, policy: OutboundPolicy) -> str | None:
    """Why an address may not be reached, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal_of(address.ipv4_mapped, policy)
    if address.is_loopback:
        return None if policy.allow_loopback else "a loopback address"
    if isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
        return "a shared (CGNAT) address"
    if address.is_link_local:
        return "a link-local address (cloud metadata among them)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved:
        return "a reserved address"
    if address.is_private or not address.is_global:
        return "a private address"
    return None


async def resolve(parts: SplitResult, policy: OutboundPolicy) -> list[Address]:
    """Every address of the host, each checked; the port is checked against them."""
    host = parts.hostname or ""
    literal = literal_address(host)
    if literal is not None:
        addresses: list[Address] = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, _port(parts), type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise _refuse("unresolvable_host", f"The host {host!r} does not resolve.") from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    for address in addresses:
        why = refusal_of(address, policy)
        if why is not None:
            raise _refuse("address_not_allowed", f"The host {host!r} is {why} ({address}).")
    port = _port(parts)
    local = policy.allow_loopback and all(_is_loopback(a) for a in addresses)
    if port not in policy.allowed_ports and not local:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise _refuse("port_not_allowed", f"Only ports {allowed} are allowed.")
    return addresses


def _is_loopback(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


async def check_url(url: str, policy: OutboundPolicy) -> list[Address]:
    """What an endpoint's URL is checked with when it is saved (and again at each send)."""
    return await resolve(parse_url(url, policy), policy)


async def post(
    url: str, *, headers: dict[str, str], content: bytes, policy: OutboundPolicy
) -> OutboundResponse:
    """POST ``content``; the answer, or OutboundRefused / httpx errors / TimeoutError."""
    return await _exchange("POST", url, headers=headers, content=content, policy=policy)


async def get(url: str, *, headers: dict[str, str], policy: OutboundPolicy) -> OutboundResponse:
    """GET a document (a fediverse actor, a web page) under the same rules as ``post``."""
    return await _exchange("GET", url, headers=headers, content=None, policy=policy)


async def _exchange(
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    content: bytes | None,
    policy: OutboundPolicy,
) -> OutboundResponse:
    parts = parse_url(url, policy)
    started = time.perf_counter()
    async with asyncio.timeout(policy.timeout_seconds):
        address = (await resolve(parts, policy))[0]
        target = _pinned(parts, address)
        host_header = parts.netloc
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        async with httpx.AsyncClient(
            trust_env=False,
            follow_redirects=False,
            timeout=policy.timeout_seconds,
            verify=_tls(),
        ) as client:
            request = client.build_request(
                method,
                target,
                headers={**headers, "Host": host_header},
                content=content,
                extensions=extensions,
            )
            response = await client.send(request, stream=True)
            try:
                body = await _capped_body(response, policy.max_response_bytes)
            finally:
                await response.aclose()
    duration = (time.perf_counter() - started) * 1000
    if 300 <= response.status_code < 400:
        where = response.headers.get("location", "")
        raise _refuse(
            "redirect_refused", f"The receiver redirected ({response.status_code}) to {where!r}."
        )
    return OutboundResponse(
        response.status_code, dict(response.headers), body, duration, str(address)
    )


def _pinned(parts: SplitResult, address: Address) -> str:
    """The URL with its host replaced by the checked address."""
    host = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    netloc = f"{host}:{_port(parts)}"
    return parts._replace(netloc=netloc).geturl()


async def _capped_body(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _refuse("response_too_large", f"The answer is over {limit} bytes.")
    chunks, size = [], 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limit:
            raise _refuse("response_too_large", f"The answer is over {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)
