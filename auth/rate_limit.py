"""Rate limits on a shared store: Redis when configured (several workers share it),
in-process memory otherwise. Sliding-window counters on the ``limits`` library's
storage: two counters per key whatever the limit, so a hit costs the same at 10 or
20,000 a minute (a moving window keeps one timestamp per request).

When Redis does not answer (stopped, restarting, unreachable), the counts go to this
process's memory for ``REDIS_RETRY_SECONDS`` and Redis is tried again after that: limits
then hold per process (each API process allows the limit), requests are never refused
or failed because the store is away.

The window arithmetic is ours rather than the library's strategy because the library
reads ``time.time()`` itself; here the clock is injected (``clock``), so a test can hold
it still inside one window instead of waiting for a fresh minute. The store only counts
(``incr`` with an expiry, ``get``), which both of its backends do atomically.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits.aio.storage import MemoryStorage, RedisStorage, Storage

Clock = Callable[[], float]  # seconds since the epoch, like time.time
WINDOW_SECONDS = 60
REDIS_RETRY_SECONDS = 5.0

log = logging.getLogger("causerie.rate_limit")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds to wait when refused, else 0
    reset_after: int  # seconds until the window has room again


class RateLimiter:
    def __init__(self, redis_url: str | None = None, *, clock: Clock = time.time):
        self.storage: Storage = (
            RedisStorage(redis_url, implementation="redispy") if redis_url else MemoryStorage()
        )
        self.clock = clock
        self._memory: Storage = self.storage if redis_url is None else MemoryStorage()
        self._shared_back_at = -math.inf

    async def hit(self, namespace: str, key: str, per_minute: int) -> Verdict:
        """Count one hit unless the last 60 s are full: the current minute's hits plus the
        previous minute's, weighted by the share of it still inside the last 60 s."""
        if self.storage is self._memory or self.clock() < self._shared_back_at:
            return await self._hit(self._memory, namespace, key, per_minute)
        try:
            return await self._hit(self.storage, namespace, key, per_minute)
        except Exception as exc:  # whatever the client raises when Redis is away
            log.warning("rate limits: Redis unavailable, counting in this process: %s", exc)
            self._shared_back_at = self.clock() + REDIS_RETRY_SECONDS
            return await self._hit(self._memory, namespace, key, per_minute)

    async def _hit(self, storage: Storage, namespace: str, key: str, per_minute: int) -> Verdict:
        now = self.clock()
        window = math.floor(now / WINDOW_SECONDS)
        into = now - window * WINDOW_SECONDS
        if per_minute <= 0:  # nothing is allowed: no count to keep, room never comes
            wait = math.ceil(WINDOW_SECONDS - into)
            return Verdict(False, 0, 0, max(1, wait), wait)
        base = f"causerie-rl/{namespace}/{key}"
        current_key = f"{base}/{window}"
        previous = await storage.get(f"{base}/{window - 1}")
        carried = previous * (WINDOW_SECONDS - into) / WINDOW_SECONDS
        # Count first, then look: concurrent hits each see their own count, so no more
        # than the limit get through; a refused hit takes its count back.
        current = await storage.incr(current_key, 2 * WINDOW_SECONDS)
        allowed = math.floor(carried + current) <= per_minute
        if not allowed:
            current = await storage.incr(current_key, 2 * WINDOW_SECONDS, amount=-1)
        remaining = max(0, per_minute - math.floor(carried + current))
        reset = _seconds_until_room(previous, current, into, per_minute)
        return Verdict(
            allowed, per_minute, remaining, max(1, math.ceil(reset)) if not allowed else 0,
            math.ceil(reset),
        )  # fmt: skip

    async def reset(self) -> None:
        await self.storage.reset()
        if self._memory is not self.storage:
            await self._memory.reset()


def _seconds_until_room(previous: int, current: int, into: float, limit: int) -> float:
    """How long until one more hit fits, with no other hits meanwhile."""
    if current < limit:
        if previous == 0 or current + previous * (WINDOW_SECONDS - into) / WINDOW_SECONDS < limit:
            return 0.0
        # The carried share falls below limit - current at this point of the window.
        at = WINDOW_SECONDS - (limit - current) * WINDOW_SECONDS / previous
        return max(0.0, at - into)
    # The current window is full: room comes once the next window carries less of it.
    at = WINDOW_SECONDS - limit * WINDOW_SECONDS / current
    return (WINDOW_SECONDS - into) + max(0.0, at)
