"""The outbound HTTP guard: which URLs and addresses it refuses, and how it treats real
receivers on loopback (redirects, hangs, huge answers)."""

from __future__ import annotations

import pytest

from api.adapters.outbound_http import (
    OutboundPolicy,
    OutboundRefused,
    check_url,
    post,
)
from api.settings import Settings
from tests.receiver import receiver

STRICT = OutboundPolicy()
LOCAL = OutboundPolicy(allow_loopback=True, timeout_seconds=5, max_response_bytes=64 * 1024)
# A short cap for the receiver that never answers: the test waits for the cap, not 10 s.
IMPATIENT = OutboundPolicy(allow_loopback=True, timeout_seconds=0.5)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/hook", "scheme_not_allowed"),
        ("file:///etc/passwd", "scheme_not_allowed"),
        ("javascript:alert(1)", "scheme_not_allowed"),
        ("gopher://example.com/", "scheme_not_allowed"),
        ("https://user:secret@example.com/hook", "credentials_in_url"),
        ("https://" + "a" * 2000 + ".com/", "url_too_long"),
        ("https:///nohost", "invalid_url"),
        ("http://10.0.0.7/hook", "address_not_allowed"),
        ("http://172.16.3.4/hook", "address_not_allowed"),
        ("http://192.168.1.10/hook", "address_not_allowed"),
        ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"),
        ("http://100.64.0.1/hook", "address_not_allowed"),
        ("http://224.0.0.1/hook", "address_not_allowed"),
        ("http://0.0.0.0/hook", "address_not_allowed"),
        ("http://127.0.0.1/hook", "address_not_allowed"),
        ("http://localhost/hook", "address_not_allowed"),
        ("http://2130706433/hook", "address_not_allowed"),  # 127.0.0.1 as a decimal
        ("http://2852039166/hook", "address_not_allowed"),  # 169.254.169.254 as a decimal
        ("http://0xa9fea9fe/hook", "address_not_allowed"),  # 169.254.169.254 in hex
        ("http://0x7f.0.0.1/hook", "address_not_allowed"),
        ("http://0177.0.0.1/hook", "address_not_allowed"),  # octal
        ("http://[::1]/hook", "address_not_allowed"),
        ("http://[fd00:ec2::254]/hook", "address_not_allowed"),  # a metadata address in IPv6
        ("http://[::ffff:169.254.169.254]/hook", "address_not_allowed"),  # IPv4-mapped
        ("http://[::ffff:127.0.0.1]/hook", "address_not_allowed"),
        ("http://[fe80::1]/hook", "address_not_allowed"),
        ("http://93.184.215.14:22/hook", "port_not_allowed"),
        ("https://93.184.215.14:8443/hook", "port_not_allowed"),
    ],
)
async def test_refused_urls(url, code):
    with pytest.raises(OutboundRefused) as refused:
        await check_url(url, STRICT)
    assert refused.value.code == code


async def test_public_addresses_on_the_allowed_ports_pass():
    assert [str(a) for a in await check_url("https://93.184.215.14/hook", STRICT)] == [
        "93.184.215.14"
    ]
    wider = OutboundPolicy(allowed_ports=frozenset({443, 8443}))
    assert await check_url("https://93.184.215.14:8443/hook", wider)


async def test_loopback_when_allowed_on_any_port_and_nothing_else_changes():
    assert await check_url("http://127.0.0.1:8123/hook", LOCAL)
    with pytest.raises(OutboundRefused):
        await check_url("http://169.254.169.254/", LOCAL)
    with pytest.raises(OutboundRefused):
        await check_url("http://10.1.2.3/", LOCAL)


def test_production_refuses_to_allow_loopback():
    with pytest.raises(ValueError, match="LOOPBACK"):
        Settings(_env_file=None, environment="production", outbound_allow_loopback=True)  # type: ignore[call-arg]
    assert Settings(_env_file=None, environment="development").loopback_allowed  # type: ignore[call-arg]
    assert not Settings(_env_file=None, environment="production").loopback_allowed  # type: ignore[call-arg]


async def test_a_receiver_gets_exactly_the_callers_headers():
    async with receiver() as rec:
        answer = await post(
            rec.url, headers={"content-type": "application/json"}, content=b"{}", policy=LOCAL
        )
    assert (answer.status, answer.body) == (200, b"ok")
    [got] = rec.received
    assert got.body == b"{}" and got.headers["host"] == f"127.0.0.1:{rec.port}"
    assert not {"authorization", "cookie", "proxy-authorization"} & set(got.headers)


async def test_a_redirect_is_a_failure_even_to_a_public_address():
    location = {"Location": "http://169.254.169.254/latest/meta-data/"}
    async with receiver(status=302, headers=location) as rec:
        with pytest.raises(OutboundRefused) as refused:
            await post(rec.url, headers={}, content=b"{}", policy=LOCAL)
    assert refused.value.code == "redirect_refused"
    assert len(rec.received) == 1  # nothing followed the redirect


async def test_a_receiver_that_hangs_is_cut_off_by_the_time_cap():
    async with receiver(hang=True) as rec:
        with pytest.raises(TimeoutError):
            await post(rec.url, headers={}, content=b"{}", policy=IMPATIENT)


async def test_a_fifty_megabyte_answer_is_refused_without_reading_it_all():
    async with receiver(huge_bytes=50 * 1024 * 1024) as rec:
        with pytest.raises(OutboundRefused) as refused:
            await post(rec.url, headers={}, content=b"{}", policy=LOCAL)
    assert refused.value.code == "response_too_large"
