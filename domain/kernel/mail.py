"""Mail as any slice asks for it: a message to queue, sent later by the worker.

A use case never sends mail. It queues an ``OutgoingMail`` in its unit of work; the row
and the worker's job are written in the same transaction as the change, so a rolled-back
change sends nothing and a committed one always has its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID, uuid4

from domain.kernel.errors import InvalidInput

# Characters that would end a header line, or start a new one, if they reached one.
_LINE_BREAKS = frozenset("\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def header_safe(value: str, what: str) -> str:
    """``value`` if it may go into a mail header as it is; refused otherwise."""
    if any(ch in _LINE_BREAKS for ch in value):
        raise InvalidInput(f"The {what} may not contain line breaks.")
    return value


@dataclass(frozen=True)
class OutgoingMail:
    """One message to one person: which template, in which language, with what.

    ``context`` is kept in the log; ``secret`` (a token the message's link carries) is
    kept only until the message is sent."""

    tenant_id: UUID
    to_address: str
    template: str
    language: str
    context: Mapping[str, Any] = field(default_factory=dict)
    to_name: str = ""
    secret: str | None = None
    id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        # A name with a line break is dropped when the message is built (the address
        # alone suffices); an address never has one (they are validated on the way in).
        header_safe(self.to_address, "e-mail address")


class MailQueue(Protocol):
    async def queue(self, mail: OutgoingMail) -> None:
        """Write the message and its sending job in the current transaction."""
        ...
