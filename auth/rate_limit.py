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
    retry_after: int  # seconds to wait when refused, else 0
    reset_after: int  # seconds until the window has room again


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
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Verdict(
            allowed, per_minute, stats.remaining, max(1, reset) if not allowed else 0, reset
        )

    async def reset(self) -> None:
        await self.storage.reset()
