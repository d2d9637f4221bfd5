"""Rules of the insights slice: windows and buckets, the influence score, figures.

Everything here is plain Python; ``persistence/insights/`` computes the sums from the
aggregate tables and the use cases turn them into answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.kernel.errors import InvalidInput

# --- windows and buckets ------------------------------------------------------------------

MAX_RANGE_DAYS = 366  # a window spans at most this many days (inclusive of both ends)
DEFAULT_RANGE_DAYS = 30  # without ``from``: the 30 days ending with ``to`` (default: today)
FUTURE_SLACK_DAYS = 1  # ``to`` may be tomorrow (time zones), no later
MAX_ZONE_NAME = 64


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, starting on Monday
    MONTH = "month"


def parse_zone(name: str) -> ZoneInfo:
    """An IANA time zone (``Europe/Paris``), or InvalidInput."""
    if not name or len(name) > MAX_ZONE_NAME or name.startswith(("/", ".")) or ".." in name:
        raise InvalidInput(f"Unknown time zone: {name[:MAX_ZONE_NAME]!r}.", extra={"field": "tz"})
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInput(f"Unknown time zone: {name!r}.", extra={"field": "tz"}) from exc


@dataclass(frozen=True)
class Window:
    """Whole local days ``first`` to ``last`` (both included) in ``zone``.

    ``start`` and ``end`` are the UTC instants of the window's first and last-plus-one
    local midnights, so a window is ``start <= t < end``.
    """

    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return _midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return _midnight(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bucket_starts(self, bucket: Bucket) -> list[date]:
        """The local date each bucket starts on; the first may precede ``first``."""
        if bucket is Bucket.DAY:
            return [self.first + timedelta(days=i) for i in range(self.days)]
        if bucket is Bucket.WEEK:
            monday = self.first - timedelta(days=self.first.weekday())
            starts = []
            while monday <= self.last:
                starts.append(monday)
                monday += timedelta(days=7)
            return starts
        month = self.first.replace(day=1)
        starts = []
        while month <= self.last:
            starts.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return starts

    def bounds(self, bucket: Bucket) -> list[datetime]:
        """UTC lower bound of each bucket, clipped to the window (for ``width_bucket``)."""
        starts = [_midnight(d, self.zone) for d in self.bucket_starts(bucket)]
        return [max(s, self.start) for s in starts]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def window(first: date | None, last: date | None, zone_name: str, *, now: datetime) -> Window:
    """Validate a requested window: not reversed, not too long, not in the future."""
    zone = parse_zone(zone_name)
    today = now.astimezone(zone).date()
    last = last or today
    first = first or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if first > last:
        raise InvalidInput(
            "The window is reversed: `from` must not be after `to`.", extra={"field": "from"}
        )
    if last > today + timedelta(days=FUTURE_SLACK_DAYS):
        raise InvalidInput(
            f"The window ends in the future: `to` may be at most {FUTURE_SLACK_DAYS} day after "
            "today.",
            extra={"field": "to"},
        )
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(
            f"The window is too long: at most {MAX_RANGE_DAYS} days.", extra={"field": "from"}
        )
    return Window(first, last, zone)


# --- the influence score ------------------------------------------------------------------

# Ratings are weighed by a Bayesian average: PRIOR_VOTES imaginary votes of PRIOR_MEAN
# stars are added, as on the public site's "top rated" list.
PRIOR_VOTES = 5
PRIOR_MEAN = 3.0

# Points per part: weight x ln(1 + figure). The logarithm rewards breadth over one
# spike (the tenth commenter adds less than the first), so no single post or part
# decides a rank on its own.
WEIGHTS: dict[str, float] = {
    "commenters": 3.0,  # distinct people whose comments on the author's posts were approved
    "comments": 2.0,  # approved comments received
    "replies": 1.0,  # approved replies among them: conversation, not just reactions
    "ratings": 1.0,  # votes received, scaled by the Bayesian average (below)
    "reads": 1.0,  # counted reads of the author's posts
    "posts": 1.0,  # posts the author published in the window
}


def bayesian_average(count: int, total: int) -> float:
    return (PRIOR_VOTES * PRIOR_MEAN + total) / (PRIOR_VOTES + count)


@dataclass(frozen=True)
class AuthorFigures:
    """What an author's posts received, and what the author did, in one window."""

    author_id: UUID
    name: str
    handle: str
    posts: int = 0
    comments: int = 0
    commenters: int = 0
    replies: int = 0
    ratings: int = 0
    rating_sum: int = 0
    reads: int = 0
    ambassador: bool = False  # marked by a manager as speaking for the brand


@dataclass(frozen=True)
class ScorePart:
    name: str
    figure: float
    points: float


@dataclass(frozen=True)
class Influence:
    figures: AuthorFigures
    score: float
    parts: list[ScorePart]
    rank: int = 0


def influence(f: AuthorFigures) -> Influence:
    """score = 3 ln(1+commenters) + 2 ln(1+comments) + ln(1+replies)
    + ln(1+ratings) x (bayesian - 1) / 2 + ln(1+reads) + ln(1+posts)

    The ratings factor is 0 at a 1-star Bayesian average, 1 at 3 stars, 2 at 5 stars.
    """
    average = bayesian_average(f.ratings, f.rating_sum)
    raw = {
        "commenters": f.commenters,
        "comments": f.comments,
        "replies": f.replies,
        "ratings": f.ratings,
        "reads": f.reads,
        "posts": f.posts,
    }
    parts = []
    for name, figure in raw.items():
        points = WEIGHTS[name] * math.log1p(max(figure, 0))
        if name == "ratings":
            points *= (average - 1.0) / 2.0
        parts.append(ScorePart(name, float(figure), round(points, 3)))
    parts.append(ScorePart("rating_average", round(average, 3), 0.0))
    return Influence(f, round(sum(p.points for p in parts), 3), parts)


# Where a ranked author stands: the ranking's sort key, (score, commenters, name, id),
# ordered score descending, commenters descending, name (by code point) then id ascending.
RankKey = tuple[float, int, str, UUID]


def rank_key(i: Influence) -> RankKey:
    return i.score, i.figures.commenters, i.figures.name, i.figures.author_id


@dataclass(frozen=True)
class RankedAuthor:
    """One row of the ranking as the read side computes it: the figures, the score (the
    formula of ``influence``) and the 1-based rank over the whole window."""

    figures: AuthorFigures
    score: float
    rank: int


@dataclass(frozen=True)
class Ranking:
    ranked: int  # authors with activity in the window
    rows: list[RankedAuthor]


def explained(row: RankedAuthor) -> Influence:
    """A ranked row with the parts of its score."""
    return Influence(row.figures, row.score, influence(row.figures).parts, row.rank)


def rank(figures: list[AuthorFigures]) -> list[Influence]:
    """Highest score first; ties by more commenters, then by name, then by id (the order
    the read side ranks in, see ``RankKey``)."""
    scored = [influence(f) for f in figures]
    scored.sort(
        key=lambda i: (-i.score, -i.figures.commenters, i.figures.name, str(i.figures.author_id))
    )
    return [Influence(i.figures, i.score, i.parts, n) for n, i in enumerate(scored, start=1)]


# --- figures the read side returns ---------------------------------------------------------


class TopBy(StrEnum):
    COMMENTS = "comments"
    RATING = "rating"
    READS = "reads"


@dataclass(frozen=True)
class Counts:
    """Sums over a bucket, a post or a blog."""

    comments_pending: int = 0
    comments_approved: int = 0
    comments_rejected: int = 0
    comments_spam: int = 0
    comments_deleted: int = 0
    replies: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    ratings: int = 0
    rating_sum: int = 0
    reads: int = 0

    @property
    def comments(self) -> int:
        return (
            self.comments_pending
            + self.comments_approved
            + self.comments_rejected
            + self.comments_spam
            + self.comments_deleted
        )

    @property
    def toned(self) -> int:
        return self.positive + self.neutral + self.negative


@dataclass(frozen=True)
class SeriesPoint:
    start: datetime  # the bucket's local start, as an aware datetime in the window's zone
    counts: Counts
    posts_published: int = 0
    active_people: int = 0
    likes: int = 0  # fediverse likes and web likes of the bucket, still standing
    boosts: int = 0  # fediverse boosts (Announce) and web reposts


@dataclass(frozen=True)
class PostFigures:
    post_id: UUID
    title: str
    slug: str
    blog_id: UUID
    blog_slug: str
    author_id: UUID
    author_name: str
    counts: Counts

    @property
    def rating_average(self) -> float | None:
        c = self.counts
        return round(bayesian_average(c.ratings, c.rating_sum), 3) if c.ratings else None


@dataclass(frozen=True)
class BlogFigures:
    blog_id: UUID
    slug: str
    title: str
    counts: Counts


@dataclass(frozen=True)
class ModeratorActions:
    user_id: UUID | None
    name: str
    approve: int = 0
    reject: int = 0
    spam: int = 0
    restore: int = 0

    @property
    def total(self) -> int:
        return self.approve + self.reject + self.spam + self.restore


@dataclass(frozen=True)
class ModerationFigures:
    pending_now: int
    reported_now: int
    created: Counts  # comments created in the window, by their current status
    decided: int  # comments whose first decision fell in the window
    median_seconds: float | None
    p90_seconds: float | None
    reports: int
    moderators: list[ModeratorActions] = field(default_factory=list)

    @property
    def spam_share(self) -> float | None:
        total = self.created.comments
        return round(self.created.comments_spam / total, 4) if total else None


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- what is said: topics of the conversation ------------------------------------------------

TOPICS_DEFAULT = 20  # terms per list unless ``limit`` says otherwise
MAX_TOPICS = 50
MIN_TOPIC_COMMENTS = 2  # a term needs this many comments in the window to be listed
TOPIC_EXAMPLES = 3


class TopicTone(StrEnum):
    ALL = "all"  # every approved comment
    NEGATIVE = "negative"  # the negative ones alone: what the complaints are about


@dataclass(frozen=True)
class TopicDays:
    """The UTC days a topics window reads: ``[first, end)``, and the previous period of
    the same length, ``[previous, first)``. The terms are kept per UTC day, so a window
    in another zone covers the UTC days its local days overlap."""

    first: date
    end: date
    previous: date

    @property
    def days(self) -> int:
        return (self.end - self.first).days


def topic_days(win: Window) -> TopicDays:
    first = win.start.astimezone(UTC).date()
    last_instant = win.end.astimezone(UTC) - timedelta(microseconds=1)
    end = last_instant.date() + timedelta(days=1)
    return TopicDays(first, end, first - (end - first))


@dataclass(frozen=True)
class TopicExample:
    comment_id: UUID
    post_id: UUID
    post_title: str
    author_name: str
    excerpt: str
    tone: str | None
    created_at: datetime


@dataclass(frozen=True)
class Topic:
    """A term (a stem, or two stems side by side for a phrase) and what carries it: the
    approved comments of the window (``comments``) and of the previous period of the same
    length (``previous``), and the window's comments by tone."""

    term: str
    label: str
    comments: int
    previous: int
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    examples: list[TopicExample] = field(default_factory=list)

    @property
    def phrase(self) -> bool:
        return " " in self.term

    @property
    def change(self) -> int:
        return self.comments - self.previous

    @property
    def growth(self) -> float:
        """(comments + 1) / (previous + 1): the rising list's order, smoothed so that a term
        new with two comments does not outrank one that went from 10 to 40."""
        return round((self.comments + 1) / (self.previous + 1), 3)


@dataclass(frozen=True)
class Topics:
    days: TopicDays
    tone: TopicTone
    comments: int  # approved comments in the window's days (negative ones for NEGATIVE)
    top: list[Topic]
    rising: list[Topic]


# --- people who matter, readers included: the commenter ranking ------------------------------

MAX_COMMENTERS = 100

# Points per part, weight x ln(1 + figure), as for authors: the conversation a person
# starts (distinct people answering them) weighs most, then the answers, then how many
# days they came back, their own comments, and the votes of the posts they talk on.
COMMENTER_WEIGHTS: dict[str, float] = {
    "repliers": 3.0,  # distinct people whose approved replies answer their comments
    "replies": 2.0,  # approved replies to their comments
    "active_days": 2.0,  # UTC days of the window with an approved comment of theirs
    "comments": 1.0,  # their approved comments
    "ratings": 1.0,  # votes on the posts they commented on, scaled by the Bayesian average
}
COMMENTER_FORMULA = (
    "3 ln(1+repliers) + 2 ln(1+replies) + 2 ln(1+active_days) + ln(1+comments) "
    "+ ln(1+ratings) x (bayesian_average - 1) / 2"
)


class CommenterFilter(StrEnum):
    ALL = "all"
    NEW = "new"  # their first approved comment in the tenant falls in the window
    MEMBERS = "members"  # they already hold a membership of the tenant
    AUTHORS = "authors"  # they already wrote a post in the tenant
    AMBASSADORS = "ambassadors"  # marked as ambassadors


@dataclass(frozen=True)
class CommenterFigures:
    """What one signed-in commenter's comments drew in a window."""

    user_id: UUID
    name: str
    handle: str
    comments: int = 0
    replies: int = 0
    repliers: int = 0
    active_days: int = 0
    ratings: int = 0
    rating_sum: int = 0
    new: bool = False
    role: str | None = None  # their membership's role, if any
    author: bool = False  # wrote a post in the tenant
    ambassador: bool = False


@dataclass(frozen=True)
class CommenterInfluence:
    figures: CommenterFigures
    score: float
    parts: list[ScorePart]
    rank: int = 0


def commenter_influence(f: CommenterFigures) -> CommenterInfluence:
    """score = 3 ln(1+repliers) + 2 ln(1+replies) + 2 ln(1+active_days) + ln(1+comments)
    + ln(1+ratings) x (bayesian - 1) / 2"""
    average = bayesian_average(f.ratings, f.rating_sum)
    raw = {
        "repliers": f.repliers,
        "replies": f.replies,
        "active_days": f.active_days,
        "comments": f.comments,
        "ratings": f.ratings,
    }
    parts = []
    for name, figure in raw.items():
        points = COMMENTER_WEIGHTS[name] * math.log1p(max(figure, 0))
        if name == "ratings":
            points *= (average - 1.0) / 2.0
        parts.append(ScorePart(name, float(figure), round(points, 3)))
    parts.append(ScorePart("rating_average", round(average, 3), 0.0))
    return CommenterInfluence(f, round(sum(p.points for p in parts), 3), parts)


def rank_commenters(figures: list[CommenterFigures]) -> list[CommenterInfluence]:
    """Highest score first; ties by more repliers, then the name, then the id."""
    scored = [commenter_influence(f) for f in figures]
    scored.sort(
        key=lambda i: (-i.score, -i.figures.repliers, i.figures.name, str(i.figures.user_id))
    )
    return [
        CommenterInfluence(i.figures, i.score, i.parts, n) for n, i in enumerate(scored, start=1)
    ]


# --- from insight to action: ambassadors and briefs ------------------------------------------


class BriefStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"  # an ambassador took it and is writing
    DONE = "done"  # the post is linked


@dataclass(frozen=True)
class Person:
    """Someone the tenant knows: a member, or a signed-in commenter or author of its posts."""

    user_id: UUID
    name: str
    handle: str
    email: str
    role: str | None
    ambassador: bool


@dataclass(frozen=True)
class AmbassadorFigures:
    user_id: UUID
    name: str
    handle: str
    role: str | None
    marked_at: datetime
    comments: int = 0  # approved comments in the window
    posts: int = 0  # posts published in the window
    briefs_claimed: int = 0  # briefs they hold (claimed, not yet done)
    briefs_done: int = 0


@dataclass(frozen=True)
class ActivityPoint:
    start: datetime
    comments: int
    posts: int


@dataclass(frozen=True)
class Brief:
    id: UUID
    topic: str
    body: str
    due_on: date
    status: BriefStatus
    created_by: UUID | None
    claimed_by: UUID | None
    claimed_at: datetime | None
    post_id: UUID | None
    created_at: datetime
    updated_at: datetime
