"""The dashboard's headline figures: six numbers for a window, each beside the same
number for the previous window of the same length (the days just before it).

- ``comments``: comments written in the window, whatever their status now;
- ``new_commenters``: people whose first approved comment in the tenant falls in it;
- ``reads``: counted reads of public posts;
- ``weighted_rating``: the Bayesian average of the window's votes (five imaginary votes
  of three stars added, as on the "top rated" list), not a plain mean; none without votes;
- ``queue``: comments held for a decision at the window's end (or now, when the window
  ends later);
- ``median_minutes_to_decision``: from a comment's creation to its first decision, over
  the decisions made in the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.insights.model import Window, bayesian_average
from domain.insights.ports import InsightsUnitOfWork
from domain.kernel import clock
from domain.kernel.access import Action, Actor, require
from domain.licensing.model import Feature
from domain.licensing.quotas import ensure_feature

FIGURES = (
    "comments",
    "new_commenters",
    "reads",
    "weighted_rating",
    "queue",
    "median_minutes_to_decision",
)


@dataclass(frozen=True)
class PeriodFigures:
    """What storage sums for one period."""

    comments: int = 0
    new_commenters: int = 0
    reads: int = 0
    ratings: int = 0
    rating_sum: int = 0
    queue: int = 0
    median_seconds: float | None = None

    def values(self) -> dict[str, float | None]:
        rating = round(bayesian_average(self.ratings, self.rating_sum), 3) if self.ratings else None
        median = round(self.median_seconds / 60, 1) if self.median_seconds is not None else None
        return {
            "comments": self.comments,
            "new_commenters": self.new_commenters,
            "reads": self.reads,
            "weighted_rating": rating,
            "queue": self.queue,
            "median_minutes_to_decision": median,
        }


@dataclass(frozen=True)
class Figure:
    name: str
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Current minus previous; none when either is unknown."""
        if self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 3)

    @property
    def change_share(self) -> float | None:
        """The change as a share of the previous figure; none when that is 0 or unknown."""
        if self.change is None or not self.previous:
            return None
        return round(self.change / self.previous, 4)


@dataclass(frozen=True)
class Headline:
    window: Window
    previous: Window
    figures: list[Figure]
    ratings: tuple[int, int]  # votes in the window, and in the previous one


def previous_window(win: Window) -> Window:
    """The window of the same number of days that ends the day before ``win`` starts."""
    last = win.first - timedelta(days=1)
    return Window(last - timedelta(days=win.days - 1), last, win.zone)


def compare(current: PeriodFigures, previous: PeriodFigures) -> list[Figure]:
    now, before = current.values(), previous.values()
    return [Figure(name, now[name], before[name]) for name in FIGURES]


async def headline(uow: InsightsUnitOfWork, actor: Actor, win: Window) -> Headline:
    """Owners, managers and operators; plan level ``basic``."""
    require(actor, Action.INSIGHTS_FULL)
    await ensure_feature(uow, actor.tenant_id, Feature.INSIGHTS)
    before = previous_window(win)
    now: datetime = clock.now()
    current, previous = await uow.insights.headline(
        before.start, win.start, win.end, min(win.end, now), min(win.start, now)
    )
    return Headline(win, before, compare(current, previous), (current.ratings, previous.ratings))
