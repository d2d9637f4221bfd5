"""Rate limits on a shared store: Redis when configured (several workers share it),
in-process memory otherwise. Built on the ``limits`` library's moving windows."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


class RateLimiter:
    def __init__(self, redis_url: str | None = None):
        self.storage: Storage = (
            RedisStorage(redis_url, implementation="redispy") if redis_url else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(self.storage)

    async def hit(self, namespace: str, key: str, per_minute: int) -> Verdict:
        item = RateLimitItemPerMinute(per_minute)
        allowed = await self._limiter.hit(item, namespace, key)
        stats = await self._limiter.get_window_stats(item, namespace, key)
        retry = max(1, math.ceil(stats.reset_time - time.time())) if not allowed else 0
        return Verdict(allowed, per_minute, stats.remaining, retry)

    async def reset(self) -> None:
        await self.storage.reset()
