"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, and can refuse or
hang up on the first messages it is given."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Arrived:
    envelope_from: str
    envelope_to: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]

    def part(self, subtype: str) -> str:
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype
        return str(found.get_content())  # type: ignore[attr-defined]


@dataclass
class Handler:
    """``refuse``: answer the next N messages with a temporary failure; ``drop``: close
    the connection on the next N instead of answering."""

    arrived: list[Arrived] = field(default_factory=list)
    refuse: int = 0
    drop: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until ``count`` messages have arrived (another thread or process sends
        them), woken by each arrival; False if ``timeout`` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.arrived) >= count, timeout)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop:
            self.drop -= 1
            server.transport.close()
            return "421 closing"
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        with self._changed:
            self.arrived.append(
                Arrived(
                    envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)
                )
            )
            self._changed.notify_all()
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
