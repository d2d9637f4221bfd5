"""Votes of 1 to 5 stars and the summary a post keeps of them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.kernel.errors import InvalidInput

STARS = range(1, 6)


@dataclass(frozen=True)
class Voter:
    """A signed-in reader, or an anonymous one known by the hash of its voter token."""

    user_id: UUID | None = None
    token_hash: bytes | None = None


@dataclass(frozen=True)
class RatingSummary:
    count: int
    total: int
    histogram: tuple[int, int, int, int, int]

    @property
    def average(self) -> float | None:
        return round(self.total / self.count, 2) if self.count else None

    def replace(self, old: int | None, new: int | None) -> RatingSummary:
        """The summary after one voter's vote goes from ``old`` to ``new`` (None: no vote)."""
        counts = list(self.histogram)
        count, total = self.count, self.total
        if old is not None:
            counts[old - 1] -= 1
            count, total = count - 1, total - old
        if new is not None:
            counts[new - 1] += 1
            count, total = count + 1, total + new
        return RatingSummary(count, total, (counts[0], counts[1], counts[2], counts[3], counts[4]))

    @classmethod
    def change(cls, old: int | None, new: int | None) -> RatingSummary:
        """What one voter's vote going from ``old`` to ``new`` adds to any summary: the
        deltas that storage adds to the post's counters in one statement."""
        return cls(0, 0, (0, 0, 0, 0, 0)).replace(old, new)


def check_stars(stars: int) -> int:
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise InvalidInput("stars must be an integer from 1 to 5.")
    return stars
