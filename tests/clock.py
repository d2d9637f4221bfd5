"""A clock a test moves by hand, for what counts time (the rate limits' windows)."""

from __future__ import annotations

import time

WINDOW_SECONDS = 60


class ManualClock:
    """Seconds since the epoch, like ``time.time``; still until ``advance``d. It starts a
    second into a minute, so a burst never straddles a window's turn by accident."""

    def __init__(self, start: float | None = None):
        if start is None:
            start = (time.time() // WINDOW_SECONDS) * WINDOW_SECONDS + 1
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
