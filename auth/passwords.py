"""Argon2id password hashing (argon2-cffi), run off the event loop, a bounded number at
a time.

A hash costs tens of milliseconds of CPU and 64 MiB: a burst of sign-ins must not start
more of them than there are CPUs, and must not queue without end either. At most
``concurrency`` run at once, at most ``queue`` more wait; beyond that the call fails at
once with ``Overloaded`` (a 503 with ``Retry-After``), before any hashing is spent.
Callers hash while holding no database connection (see the accounts use cases).

The hashes run on threads of their own at a lower scheduling priority (nice 10, Linux
keeps it per thread and argon2's lane threads inherit it): when the CPUs are short, the
event loop serving the reads goes first and the hashes take what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from domain.accounts.model import MAX_PASSWORD_LENGTH
from domain.kernel.errors import Overloaded

T = TypeVar("T")


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


HASH_NICENESS = 10


def _lower_priority() -> None:
    # Not on Linux, or not allowed: the hashes keep the same priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)


class Argon2PasswordHasher:
    """Implements ``domain.accounts.ports.PasswordHasher``.

    Parameters follow RFC 9106's second recommended option (64 MiB, 3 passes) by
    default; tests use cheaper ones through ``fast=True``.
    """

    def __init__(
        self, *, fast: bool = False, concurrency: int | None = None, queue: int | None = None
    ):
        if fast:
            self._hasher = Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
        else:
            self._hasher = Argon2Hasher(
                time_cost=3, memory_cost=64 * 1024, parallelism=2, type=Type.ID
            )
        self.concurrency = concurrency or cpu_count()
        self.queue = self.concurrency * 4 if queue is None else queue
        self._slots = asyncio.Semaphore(self.concurrency)
        self._admitted = 0  # running plus waiting
        self._threads = ThreadPoolExecutor(
            self.concurrency, thread_name_prefix="argon2", initializer=_lower_priority
        )
        self._dummy = self._hasher.hash("not a real password, only spends time")

    async def hash(self, password: str) -> str:
        return await self._bounded(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        return await self._bounded(self._check, password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        await self._bounded(self._check, self._dummy, password[:MAX_PASSWORD_LENGTH])

    async def _bounded(self, work: Callable[..., T], *args: str) -> T:
        if self._admitted >= self.concurrency + self.queue:
            raise Overloaded("Too many sign-ins at once; retry in a moment.", retry_after_seconds=1)
        self._admitted += 1
        try:
            async with self._slots:
                return await asyncio.get_running_loop().run_in_executor(self._threads, work, *args)
        finally:
            self._admitted -= 1

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
