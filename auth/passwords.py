"""Argon2id password hashing (argon2-cffi), run off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from domain.accounts.model import MAX_PASSWORD_LENGTH


class Argon2PasswordHasher:
    """Implements ``domain.accounts.ports.PasswordHasher``.

    Parameters follow RFC 9106's second recommended option (64 MiB, 3 passes) by
    default; tests use cheaper ones through ``fast=True``.
    """

    def __init__(self, *, fast: bool = False):
        if fast:
            self._hasher = Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
        else:
            self._hasher = Argon2Hasher(
                time_cost=3, memory_cost=64 * 1024, parallelism=2, type=Type.ID
            )
        self._dummy = self._hasher.hash("not a real password, only spends time")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        return await asyncio.to_thread(self._check, password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        await asyncio.to_thread(self._check, self._dummy, password[:MAX_PASSWORD_LENGTH])

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
