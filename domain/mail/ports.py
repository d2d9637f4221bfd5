"""What mail needs from the outside: the log of messages, reset tokens, and the units of
work that carry them beside accounts, tenants and members."""

from __future__ import annotations

from typing import Protocol

from domain.members.ports import MembersUnitOfWork


class MailUnitOfWork(MembersUnitOfWork, Protocol):
    """Accounts, tenants and members, with the mail queue and the mailed tokens."""
