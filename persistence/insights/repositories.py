"""Read side of the insights: sums over the aggregate tables of migrations 0009 and 0010.

No statement here reads the comments or ratings tables row by row over a window. Time
series sum ``insight_tenant_hours`` (or the blog's or author's hourly rows); window
totals cut the window into whole ISO weeks, the whole days around them and the hours at
its edges, and read each piece from its own roll-up (``insight_post_weeks``,
``insight_post_days``, ``insight_post_hours``; ``insight_blog_days`` and
``insight_blog_hours``; the author's likewise), so the sums stay exact while a month
reads about one row per active post. Top posts of a window of at most 32 days sum the
window exactly only for the posts that may rank, found through the 64-day blocks of
migration 0034 (``insight_post_blocks``, see ``_candidates``). Distinct people come from the day keys of
migration 0032 (``insight_people_days``: per scope, day and previous day, how many
people; a person is counted on their first day in the window), and, for the hours at a
window's edges, from ``insight_presence`` through its ``(tenant_id, hour)`` key. The few exceptions are bounded by their own indexes: the
pending queue (``comments_queue``), the first decisions of a window
(``comments_first_moderated``), reports (``comment_reports_recent``), moderator actions
(the audit log's recent index), and posts published (``posts_public_recent``).

Statements are assembled from fixed fragments only; every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from domain.insights.model import (
    AuthorFigures,
    BlogFigures,
    CommenterFigures,
    Counts,
    ModerationFigures,
    ModeratorActions,
    PostFigures,
    RankedAuthor,
    Ranking,
    RankKey,
    TopBy,
    Topic,
    TopicDays,
    TopicExample,
    TopicTone,
)
from persistence.database import TenantScoped
from persistence.insights.headline import HeadlineQueries
from persistence.tables import INSIGHT_COUNTERS

COUNTERS = INSIGHT_COUNTERS  # the counters every insight table carries, declared once
_SUMS = ", ".join(f"coalesce(sum(h.{c}), 0)::bigint AS {c}" for c in COUNTERS)
_COLUMNS = ", ".join(f"s.{c}" for c in COUNTERS)
_PUBLIC_POST = (
    "p.status IN ('published','scheduled') AND p.deleted_at IS NULL "
    "AND p.published_at <= statement_timestamp()"
)
_BAYES = "((15.0 + {s})::float8 / (5 + {n}))"  # PRIOR_VOTES=5 of PRIOR_MEAN=3.0 stars
_ORDER = {
    TopBy.COMMENTS: "a.comments_approved DESC, a.replies DESC",
    TopBy.RATING: f"{_BAYES.format(s='a.rating_sum', n='a.ratings')} DESC, a.ratings DESC",
    TopBy.READS: "a.reads DESC",
}
_HAVING = {
    TopBy.COMMENTS: "sum(h.comments_approved) > 0",
    TopBy.RATING: "sum(h.ratings) > 0",
    TopBy.READS: "sum(h.reads) > 0",
}
# Top posts through the blocks of migration 0034: the columns whose sums order the list
# (highest first, then by post id) and bound it. ``None``: the Bayesian rating.
_BOUND_KEYS: dict[str, tuple[str, ...] | None] = {
    "comments": ("comments_approved", "replies"),
    "negative": ("negative", "comments_approved"),
    "reads": ("reads",),
    "rating": None,
}
BLOCK_EPOCH = date(1970, 1, 1)
BLOCK_STEP = 32  # days between block starts; a block lasts two steps
SEED_FACTOR = 4  # leading posts of the block summed for the bar, per post listed


def block_of(start: datetime, end: datetime) -> date | None:
    """The block holding the whole window ``[start, end)``, or None when none does (a
    window of more than ``BLOCK_STEP`` days may not fit)."""
    first = start.astimezone(UTC).date()
    block = BLOCK_EPOCH + timedelta(days=(first - BLOCK_EPOCH).days // BLOCK_STEP * BLOCK_STEP)
    limit = datetime.combine(block + timedelta(days=2 * BLOCK_STEP), datetime.min.time(), UTC)
    return block if end <= limit else None


# The influence score (``influence`` in domain/insights/model.py): weight x ln(1 + figure)
# per part, each rounded to three places, the ratings part scaled by the Bayesian average
# (PRIOR_VOTES=5 of PRIOR_MEAN=3.0 stars); float8 arithmetic as in Python.
_PART = "round(({w} * ln(1 + f.{c}::float8))::numeric, 3)"
_SCORE = " + ".join(
    [
        _PART.format(w=3, c="commenters"),
        _PART.format(w=2, c="comments"),
        _PART.format(w=1, c="replies"),
        "round((ln(1 + f.ratings::float8) * (((15.0::float8 + f.rating_sum)"
        " / (5 + f.ratings)::float8 - 1.0::float8) / 2.0::float8))::numeric, 3)",
        _PART.format(w=1, c="reads"),
        _PART.format(w=1, c="posts"),
    ]
)
# Highest score first; ties by more commenters, then by name (code points), then by id.
_RANK_ORDER = 's.score DESC, s.commenters DESC, s.name COLLATE "C", s.id'
_AFTER_RANK = """(r.score < :score OR (r.score = :score AND (r.commenters < :commenters
    OR (r.commenters = :commenters AND (r.name COLLATE "C" > :name
    OR (r.name = :name AND r.id > CAST(:id AS uuid)))))))"""
MODERATION_ACTIONS = ("comment.approve", "comment.reject", "comment.spam", "comment.restore")


def _counts(row: Any) -> Counts:
    m = row._mapping
    return Counts(**{c: int(m[c] or 0) for c in COUNTERS})


@dataclass(frozen=True)
class Spans:
    """A window ``[a, b)`` cut into UTC pieces: hours ``[a, ha)`` and ``[hb, b)``, days
    ``[d1, w1)`` and ``[w2, d2)``, weeks (Mondays) ``[w1, w2)``; any piece may be empty."""

    a: datetime
    ha: datetime
    hb: datetime
    b: datetime
    d1: date
    w1: date
    w2: date
    d2: date

    def params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("a", "ha", "hb", "b", "d1", "w1", "w2", "d2")}


def spans(start: datetime, end: datetime) -> Spans:
    first = start.astimezone(UTC)
    d1 = first.date() + timedelta(days=0 if first.time() == datetime.min.time() else 1)
    d2 = end.astimezone(UTC).date()
    if d1 >= d2:  # no whole day: hours only
        return Spans(start, end, end, end, d2, d2, d2, d2)
    w1 = d1 + timedelta(days=(7 - d1.weekday()) % 7)
    w2 = d2 - timedelta(days=d2.weekday())
    if w1 >= w2:  # no whole week: days only
        w1 = w2 = d2
    midnight = datetime.min.time()
    ha = datetime.combine(d1, midnight, tzinfo=UTC)
    hb = datetime.combine(d2, midnight, tzinfo=UTC)
    return Spans(start, ha, hb, end, d1, w1, w2, d2)


def _pieces(hours: str, days: str, columns: str, where: str, weeks: str | None = None) -> str:
    """The rows of a window from its pieces: edge hours, whole days, whole weeks (or, for
    a table without weeks, every whole day)."""
    day_range = "(h.day >= :d1 AND h.day < :d2)"
    if weeks is not None:
        day_range = "((h.day >= :d1 AND h.day < :w1) OR (h.day >= :w2 AND h.day < :d2))"
    sql = f"""
        SELECT {columns} FROM {hours} h WHERE h.tenant_id = :t
          AND ((h.hour >= :a AND h.hour < :ha) OR (h.hour >= :hb AND h.hour < :b)) {where}
        UNION ALL
        SELECT {columns} FROM {days} h WHERE h.tenant_id = :t AND {day_range} {where}"""
    if weeks is not None:
        sql += f"""
        UNION ALL
        SELECT {columns} FROM {weeks} h WHERE h.tenant_id = :t
          AND h.week >= :w1 AND h.week < :w2 {where}"""
    return sql


_ALL = ", ".join(f"h.{c}" for c in COUNTERS)


def _filters(blog_id: UUID | None, author_id: UUID | None, alias: str = "h") -> str:
    sql = ""
    if blog_id is not None:
        sql += f" AND {alias}.blog_id = CAST(:blog AS uuid)"
    if author_id is not None:
        sql += f" AND {alias}.author_id = CAST(:author AS uuid)"
    return sql


_NIL = UUID(int=0)
# The distinct people of each piece ``w.i`` (a bucket, or the window), grouped by
# ``{key}`` (the piece, or the piece's author). Each person is counted once, on the first
# part of the piece where they were present: the part of a UTC day at its start (hours
# from ``w.lo_h``: day keys whose last hour is no earlier, and whose next day is after the
# whole days), its whole UTC days ``[w.d1, w.d2)`` (the counts of day keys whose previous
# day is before them), the part of a day at its end (hours before ``w.hi_h``: day keys
# whose first hour is earlier, whose previous day is before the whole days and, when that
# is the start's day, whose last hour there was before ``w.lo_h``). A piece inside one UTC
# day (neither end at midnight) reads presence itself. ``{scope}`` chooses the day keys
# (alias ``d``), ``{where}`` narrows presence (alias ``h``) to the same scope.
_PEOPLE = """
    SELECT x.k, sum(x.n)::bigint AS n FROM (
        SELECT {key} AS k, sum(d.people) AS n
        FROM unnest(CAST(:wi AS int[]), CAST(:wd1 AS date[]), CAST(:wd2 AS date[]))
             AS w(i, d1, d2)
        JOIN insight_people_days d ON d.tenant_id = :t AND {scope}
         AND d.day >= w.d1 AND d.day < w.d2 AND d.prev_day < w.d1
        GROUP BY 1
        UNION ALL
        SELECT {key}, count(*)
        FROM unnest(CAST(:si AS int[]), CAST(:sday AS date[]), CAST(:slo AS int[]),
                    CAST(:sd2 AS date[])) AS w(i, day, lo_h, d2)
        JOIN insight_person_days d ON d.tenant_id = :t AND {scope} AND d.day = w.day
         AND d.last_hour >= w.lo_h AND d.next_day >= w.d2
        GROUP BY 1
        UNION ALL
        SELECT {key}, count(*)
        FROM unnest(CAST(:fi AS int[]), CAST(:fday AS date[]), CAST(:fhi AS int[]),
                    CAST(:fd1 AS date[]), CAST(:flo AS int[])) AS w(i, day, hi_h, d1, lo_h)
        JOIN insight_person_days d ON d.tenant_id = :t AND {scope} AND d.day = w.day
         AND d.first_hour < w.hi_h AND d.prev_day < w.d1
         AND (d.prev_day <> w.d1 - 1 OR d.prev_last < w.lo_h)
        GROUP BY 1
        UNION ALL
        SELECT e.k, count(*) FROM (
            SELECT DISTINCT {presence_key} AS k, h.person
            FROM unnest(CAST(:mi AS int[]), CAST(:mlo AS timestamptz[]),
                        CAST(:mhi AS timestamptz[])) AS w(i, lo, hi)
            JOIN insight_presence h ON h.tenant_id = :t AND h.hour >= w.lo AND h.hour < w.hi
            {where}) e
        GROUP BY 1) x
    GROUP BY x.k"""
# The ranking's distinct commenters per author over the window (one piece).
_COMMENTERS = _PEOPLE.format(
    key="d.scope_id", scope="d.scope = 'c'", presence_key="h.author_id", where="AND h.kind = 'c'"
)
_PIECE_KEYS = ("wi", "wd1", "wd2", "si", "sday", "slo", "sd2", "fi", "fday", "fhi", "fd1", "flo")


def _hour_up(moment: datetime) -> int:
    """The first whole UTC hour at or after ``moment``, counted from its day's midnight
    (24 past the day's last hour)."""
    utc = moment.astimezone(UTC)
    midnight = datetime.combine(utc.date(), datetime.min.time(), tzinfo=UTC)
    return -(-(utc - midnight) // timedelta(hours=1))


def people_pieces(bounds: list[datetime], end: datetime) -> dict[str, list[Any]]:
    """Bucket ``i`` (from 1, as ``width_bucket`` numbers them) runs from ``bounds[i-1]``
    to the next bound (the last to ``end``): its whole UTC days, the part of a day at each
    end, or, inside one UTC day, the hours themselves (see ``_PEOPLE``)."""
    out: dict[str, list[Any]] = {k: [] for k in (*_PIECE_KEYS, "mi", "mlo", "mhi")}
    midnight = datetime.min.time()
    for i, lo in enumerate(bounds, start=1):
        hi = bounds[i] if i < len(bounds) else end
        if lo >= hi:
            continue
        first, last = lo.astimezone(UTC), hi.astimezone(UTC)
        starts_at_midnight = first.time() == midnight
        d1 = first.date() + timedelta(days=0 if starts_at_midnight else 1)
        d2 = last.date()
        if d1 > d2:  # inside one UTC day
            out["mi"].append(i)
            out["mlo"].append(lo)
            out["mhi"].append(hi)
            continue
        lo_h = 24 if starts_at_midnight else _hour_up(first)
        if d1 < d2:
            out["wi"].append(i)
            out["wd1"].append(d1)
            out["wd2"].append(d2)
        if not starts_at_midnight:
            out["si"].append(i)
            out["sday"].append(first.date())
            out["slo"].append(lo_h)
            out["sd2"].append(d2)
        if last.time() != midnight:
            out["fi"].append(i)
            out["fday"].append(d2)
            out["fhi"].append(_hour_up(last))
            out["fd1"].append(d1)
            out["flo"].append(lo_h)
    return out


class SqlInsightsRepository(HeadlineQueries, TenantScoped):
    def _people(
        self,
        bounds: list[datetime],
        end: datetime,
        blog_id: UUID | None,
        author_id: UUID | None,
        params: dict[str, Any],
    ) -> str:
        """The series' distinct people per bucket, from the day keys of the tenant, the
        blog or the author (migration 0032); with both filters, from presence itself
        (the rows of one author's posts in one blog)."""
        where = _filters(blog_id, author_id)
        if blog_id is not None and author_id is not None:
            return f"""
                SELECT width_bucket(h.hour, CAST(:bounds AS timestamptz[])) AS i,
                       count(DISTINCT h.person) AS n
                FROM insight_presence h
                WHERE h.tenant_id = :t AND h.hour >= :a AND h.hour < :b {where}
                GROUP BY 1"""
        if blog_id is not None:
            scope, scope_id = "b", blog_id
        elif author_id is not None:
            scope, scope_id = "a", author_id
        else:
            scope, scope_id = "t", _NIL
        params.update(people_pieces(bounds, end), scope=scope, scope_id=scope_id)
        people = _PEOPLE.format(
            key="w.i",
            scope="d.scope = :scope AND d.scope_id = CAST(:scope_id AS uuid)",
            presence_key="w.i",
            where=where,
        )
        return f"SELECT p.k AS i, p.n FROM ({people}) p"

    def _params(self, start: datetime, end: datetime, **more: Any) -> dict[str, Any]:
        return {"t": self.tenant_id, "a": start, "b": end, **more}

    def _window(self, start: datetime, end: datetime, **more: Any) -> dict[str, Any]:
        """Parameters of a window cut into pieces (see ``spans``)."""
        return {"t": self.tenant_id, **spans(start, end).params(), **more}

    async def series(
        self,
        bounds: list[datetime],
        start: datetime,
        end: datetime,
        *,
        blog_id: UUID | None,
        author_id: UUID | None,
        activity: bool = True,
    ) -> dict[int, tuple[Counts, int, int, int, int]]:
        """One statement: the hourly sums, posts published, distinct people, likes and
        boosts (``federation_reactions`` still standing, read through their index on the
        tenant and the time they came, joined to their posts only when filtered), each put
        into its bucket by ``width_bucket`` over the buckets' UTC lower bounds. The sums
        come from the tenant's, the blog's or the author's hourly roll-up (the per-post
        rows only when both filters are given). Without ``activity`` the posts published,
        people, likes and boosts are left out (zero)."""
        where = _filters(blog_id, author_id)
        if blog_id is not None and author_id is not None:
            hours = "insight_post_hours"
        elif blog_id is not None:
            hours = "insight_blog_hours"
        elif author_id is not None:
            hours = "insight_author_hours"
        else:
            hours = "insight_tenant_hours"
        sums = f"""
                SELECT width_bucket(h.hour, CAST(:bounds AS timestamptz[])) AS i, {_SUMS}
                FROM {hours} h
                WHERE h.tenant_id = :t AND h.hour >= :a AND h.hour < :b {where}
                GROUP BY 1"""
        params = self._params(start, end, bounds=bounds, blog=blog_id, author=author_id)
        out: dict[int, tuple[Counts, int, int, int, int]] = {}
        if not activity:
            for row in await self.conn.execute(sa.text(sums), params):
                out[int(row.i)] = (_counts(row), 0, 0, 0, 0)
            return out
        narrowed = blog_id is not None or author_id is not None
        join = "JOIN posts p ON p.tenant_id = r.tenant_id AND p.id = r.post_id" if narrowed else ""
        sql = f"""
            WITH sums AS ({sums}),
            published AS (
                SELECT width_bucket(p.published_at, CAST(:bounds AS timestamptz[])) AS i,
                       count(*) AS n
                FROM posts p
                WHERE p.tenant_id = :t AND {_PUBLIC_POST}
                  AND p.published_at >= :a AND p.published_at < :b
                  {_filters(blog_id, author_id, "p")}
                GROUP BY 1),
            people AS ({self._people(bounds, end, blog_id, author_id, params)}),
            reactions AS (
                SELECT width_bucket(r.created_at, CAST(:bounds AS timestamptz[])) AS i,
                       count(*) FILTER (WHERE r.kind = 'like') AS likes,
                       count(*) FILTER (WHERE r.kind = 'announce') AS boosts
                FROM federation_reactions r {join}
                WHERE r.tenant_id = :t AND r.created_at >= :a AND r.created_at < :b
                  {_filters(blog_id, author_id, "p")}
                GROUP BY 1)
            SELECT coalesce(s.i, pu.i, pe.i, re.i) AS i, {_COLUMNS},
                   coalesce(pu.n, 0) AS published, coalesce(pe.n, 0) AS people,
                   coalesce(re.likes, 0) AS likes, coalesce(re.boosts, 0) AS boosts
            FROM sums s
            FULL JOIN published pu ON pu.i = s.i
            FULL JOIN people pe ON pe.i = coalesce(s.i, pu.i)
            FULL JOIN reactions re ON re.i = coalesce(s.i, pu.i, pe.i)
        """
        for row in await self.conn.execute(sa.text(sql), params):
            counts = _counts(row) if row._mapping["comments_pending"] is not None else Counts()
            out[int(row.i)] = (
                counts,
                int(row.published),
                int(row.people),
                int(row.likes),
                int(row.boosts),
            )
        return out

    async def ranking(
        self,
        start: datetime,
        end: datetime,
        *,
        after: RankKey | None,
        limit: int,
        author_id: UUID | None = None,
        ambassadors_only: bool = False,
    ) -> Ranking:
        """One statement: per author, what their posts received and what they published;
        the influence score of ``domain/insights/model.py`` (each part rounded to three
        places, as there); the rank over everyone; then the rows after the keyset
        position ``after`` (or the one author's) in rank order. A deep page costs what
        the first one does: only the rows after the position leave the database. With
        ``ambassadors_only`` the page holds ambassadors alone, at their rank among all."""
        rows_in_window = _pieces(
            "insight_author_hours",
            "insight_author_days",
            "h.author_id, h.comments_approved, h.replies, h.ratings, h.rating_sum, h.reads",
            "",
        )
        if author_id is not None:
            where = "r.id = CAST(:author AS uuid)"
        elif after is not None:
            where = _AFTER_RANK
        else:
            where = "true"
        if ambassadors_only:
            where += " AND r.ambassador"
        sql = f"""
            WITH received AS (
                SELECT h.author_id, sum(h.comments_approved) AS comments,
                       sum(h.replies) AS replies, sum(h.ratings) AS ratings,
                       sum(h.rating_sum) AS rating_sum, sum(h.reads) AS reads
                FROM ({rows_in_window}) h
                GROUP BY h.author_id),
            published AS (
                SELECT p.author_id, count(*) AS posts FROM posts p
                WHERE p.tenant_id = :t AND {_PUBLIC_POST}
                  AND p.published_at >= :a AND p.published_at < :b
                GROUP BY p.author_id),
            commenters AS (
                SELECT c.k AS author_id, c.n AS commenters FROM ({_COMMENTERS}) c),
            authors AS (SELECT author_id FROM received UNION SELECT author_id FROM published),
            figures AS (
                SELECT u.id, u.display_name AS name, u.handle,
                       coalesce(pu.posts, 0)::bigint AS posts,
                       coalesce(r.comments, 0)::bigint AS comments,
                       coalesce(c.commenters, 0)::bigint AS commenters,
                       coalesce(r.replies, 0)::bigint AS replies,
                       coalesce(r.ratings, 0)::bigint AS ratings,
                       coalesce(r.rating_sum, 0)::bigint AS rating_sum,
                       coalesce(r.reads, 0)::bigint AS reads,
                       EXISTS (SELECT 1 FROM ambassadors am
                               WHERE am.tenant_id = :t AND am.user_id = u.id) AS ambassador
                FROM authors x
                JOIN users u ON u.id = x.author_id
                LEFT JOIN received r ON r.author_id = x.author_id
                LEFT JOIN published pu ON pu.author_id = x.author_id
                LEFT JOIN commenters c ON c.author_id = x.author_id),
            scored AS (
                SELECT f.*, round({_SCORE}, 3)::float8 AS score FROM figures f),
            ranked AS (
                SELECT s.*, row_number() OVER (ORDER BY {_RANK_ORDER}) AS rank FROM scored s)
            SELECT n.ranked, r.* FROM (SELECT count(*) AS ranked FROM ranked) n
            LEFT JOIN LATERAL (
                SELECT * FROM ranked r WHERE {where} ORDER BY r.rank LIMIT :limit
            ) r ON true
        """
        params: dict[str, Any] = {
            "t": self.tenant_id,
            **spans(start, end).params(),
            "author": author_id,
            "limit": limit,
            **people_pieces([start], end),
        }
        if after is not None:
            params.update(zip(("score", "commenters", "name", "id"), after, strict=True))
        rows = list(await self.conn.execute(sa.text(sql), params))
        return Ranking(
            ranked=int(rows[0].ranked),
            rows=[
                RankedAuthor(
                    AuthorFigures(
                        author_id=r.id,
                        name=r.name,
                        handle=r.handle,
                        posts=int(r.posts),
                        comments=int(r.comments),
                        commenters=int(r.commenters),
                        replies=int(r.replies),
                        ratings=int(r.ratings),
                        rating_sum=int(r.rating_sum),
                        reads=int(r.reads),
                        ambassador=bool(r.ambassador),
                    ),
                    score=float(r.score),
                    rank=int(r.rank),
                )
                for r in rows
                if r.id is not None
            ],
        )

    async def author(self, user_id: UUID) -> tuple[str, str] | None:
        sql = """
            SELECT u.display_name, u.handle FROM users u
            WHERE u.id = :u AND (
                EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = :t AND m.user_id = u.id)
                OR EXISTS (SELECT 1 FROM posts p WHERE p.tenant_id = :t AND p.author_id = u.id))
        """
        row = (await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "u": user_id})).first()
        return (row.display_name, row.handle) if row else None

    async def blog_exists(self, blog_id: UUID) -> bool:
        sql = "SELECT EXISTS (SELECT 1 FROM blogs WHERE tenant_id = :t AND id = :b)"
        return bool(
            (await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "b": blog_id})).scalar()
        )

    async def _run_posts(self, sql: str, params: dict[str, Any]) -> list[PostFigures]:
        return [
            PostFigures(
                post_id=r.post_id,
                title=r.title,
                slug=r.slug,
                blog_id=r.blog_id,
                blog_slug=r.blog_slug,
                author_id=r.author_id,
                author_name=r.author_name,
                counts=_counts(r),
            )
            for r in await self.conn.execute(sa.text(sql), params)
        ]

    @staticmethod
    def _candidates(having: str, where: str, bound: str) -> str:
        """``seed``, ``seeded``, ``bar`` and ``cand``: the posts that may rank.

        The block's leading posts are summed over the window exactly; the last one the
        list would keep is the bar. A post's window sums are no larger than its block
        sums, so a post that ranks has block figures reaching the bar: ``cand`` is the
        block's rows from the bar up, an index range, and holds every post that ranks.
        With fewer seeded posts than the list, the bar is the least that ``having``
        allows (every post of the block with a non-zero figure)."""
        block = "FROM insight_post_blocks h WHERE h.tenant_id = :t AND h.block = :block"
        keys = _BOUND_KEYS[bound]
        if keys is None:  # the Bayesian rating
            seed_order = "h.rating_sum DESC, h.post_id"
            sums = "sum(h.rating_sum) AS rating_sum, sum(h.ratings) AS ratings"
            bar_value = f"{_BAYES.format(s='s.rating_sum', n='s.ratings')}"
            bar = f"SELECT {bar_value} AS x, s.rating_sum, s.ratings, s.post_id FROM seeded s"
            bar_order = "x DESC, s.ratings DESC, s.post_id"
            # The bar is (15 + s0) / (5 + n0). With at most 5 stars a rating (n >= s / 5),
            # (15 + s) / (5 + n) is at most 5 (15 + s) / (25 + s), which grows with s and
            # equals the bar at s = 25 (s0 - 3 n0) / (10 + 5 n0 - s0): a post needs a star
            # sum above that over the window, hence over the block, or equal to it with
            # every rating of 5 stars (then s / 5 ratings), ahead on ratings or by id.
            # Integer arithmetic: no rounding decides who is left out.
            top = "(SELECT 25 * (rating_sum - 3 * ratings) FROM bar)"
            under = "(SELECT 10 + 5 * ratings - rating_sum FROM bar)"
            reach = f"""h.rating_sum > CAST(floor({top}::numeric / {under}) AS integer)
                UNION ALL SELECT h.post_id {block} {where}
                  AND h.rating_sum = {top} / {under} AND {top} % {under} = 0
                  AND (h.rating_sum > 5 * (SELECT ratings FROM bar)
                       OR h.post_id <= (SELECT post_id FROM bar))
                UNION ALL SELECT h.post_id {block} {where} AND h.rating_sum > 0
                  AND NOT EXISTS (SELECT 1 FROM bar)"""
        else:
            seed_order = ", ".join([*(f"h.{k} DESC" for k in keys), "h.post_id"])
            sums = ", ".join(f"sum(h.{k}) AS {k}" for k in keys)
            bar = f"SELECT {', '.join(f's.{k}' for k in keys)}, s.post_id FROM seeded s"
            bar_order = ", ".join([*(f"s.{k} DESC" for k in keys), "s.post_id"])
            # Above the bar (level on the first keys, higher on the next), or level with
            # it and not after it by id; everything with a non-zero figure when there is
            # no bar. Each branch is one range of the block's index.
            its = {k: f"(SELECT {k} FROM bar)" for k in keys}
            branches = [
                " AND ".join(
                    [*(f"h.{k} = {its[k]}" for k in keys[:i]), f"h.{keys[i]} > {its[keys[i]]}"]
                )
                for i in range(len(keys))
            ]
            branches.append(
                " AND ".join(
                    [*(f"h.{k} = {its[k]}" for k in keys), "h.post_id <= (SELECT post_id FROM bar)"]
                )
            )
            branches.append(f"h.{keys[0]} > 0 AND NOT EXISTS (SELECT 1 FROM bar)")
            reach = f"\n                UNION ALL SELECT h.post_id {block} {where} AND ".join(
                branches
            )
        seeded = _pieces(
            "insight_post_hours",
            "insight_post_days",
            f"h.post_id, {_ALL}",
            f"{where} AND h.post_id = s.post_id",
            weeks="insight_post_weeks",
        )
        return f"""
            seed AS (SELECT h.post_id {block} {where} ORDER BY {seed_order} LIMIT :seed),
            seeded AS (SELECT h.post_id, {sums} FROM seed s CROSS JOIN LATERAL ({seeded}) h
                       GROUP BY h.post_id HAVING {having}),
            bar AS ({bar} ORDER BY {bar_order} OFFSET :limit - 1 LIMIT 1),
            cand AS (SELECT h.post_id {block} {where} AND {reach}),"""

    def _posts_sql(self, having: str, order: str, where: str = "", bound: str | None = None) -> str:
        ranked = where
        head = "WITH"
        each = ""
        if bound is not None:
            head = "WITH" + self._candidates(having, where, bound)
            # One post at a time (a lateral join): index look-ups by post id whatever the
            # plan, never a scan of the window's rows.
            ranked = f"{where} AND h.post_id = c.post_id"
            each = "cand c CROSS JOIN LATERAL "
        inner = (
            order.replace("a.comments_approved", "sum(h.comments_approved)")
            .replace("a.replies", "sum(h.replies)")
            .replace("a.rating_sum", "sum(h.rating_sum)")
            .replace("a.ratings", "sum(h.ratings)")
            .replace("a.reads", "sum(h.reads)")
            .replace("a.negative", "sum(h.negative)")
        )
        return f"""
            {head} a AS (
                SELECT h.post_id, {_SUMS}
                FROM {each}({
            _pieces(
                "insight_post_hours",
                "insight_post_days",
                f"h.post_id, {_ALL}",
                ranked,
                weeks="insight_post_weeks",
            )
        }) h
                GROUP BY h.post_id HAVING {having}
                ORDER BY {inner}, h.post_id LIMIT :limit)
            SELECT a.*, p.title, p.slug, p.blog_id, b.slug AS blog_slug, p.author_id,
                   u.display_name AS author_name
            FROM a
            JOIN posts p ON p.tenant_id = :t AND p.id = a.post_id
            JOIN blogs b ON b.tenant_id = :t AND b.id = p.blog_id
            JOIN users u ON u.id = p.author_id
            ORDER BY {order}, a.post_id
        """

    async def top_posts(
        self,
        start: datetime,
        end: datetime,
        by: TopBy,
        limit: int,
        *,
        blog_id: UUID | None,
        author_id: UUID | None,
    ) -> list[PostFigures]:
        where = _filters(blog_id, author_id)
        params = self._window(start, end, limit=limit, blog=blog_id, author=author_id)
        block = block_of(start, end)
        if block is None:
            sql = self._posts_sql(_HAVING[by], _ORDER[by], where)
        else:
            sql = self._posts_sql(_HAVING[by], _ORDER[by], where, bound=by.value)
            params.update(block=block, seed=limit * SEED_FACTOR)
        return await self._run_posts(sql, params)

    async def negative_posts(self, start: datetime, end: datetime, limit: int) -> list[PostFigures]:
        order = "a.negative DESC, a.comments_approved DESC"
        params = self._window(start, end, limit=limit)
        block = block_of(start, end)
        if block is None:
            sql = self._posts_sql("sum(h.negative) > 0", order)
        else:
            sql = self._posts_sql("sum(h.negative) > 0", order, bound="negative")
            params.update(block=block, seed=limit * SEED_FACTOR)
        return await self._run_posts(sql, params)

    async def negative_blogs(self, start: datetime, end: datetime, limit: int) -> list[BlogFigures]:
        sql = f"""
            WITH a AS (
                SELECT h.blog_id, {_SUMS}
                FROM ({_pieces("insight_blog_hours", "insight_blog_days", f"h.blog_id, {_ALL}", "")}) h
                GROUP BY h.blog_id HAVING sum(h.negative) > 0
                ORDER BY sum(h.negative) DESC, sum(h.comments_approved) DESC, h.blog_id
                LIMIT :limit)
            SELECT a.*, b.slug, b.title FROM a JOIN blogs b ON b.tenant_id = :t AND b.id = a.blog_id
            ORDER BY a.negative DESC, a.comments_approved DESC, a.blog_id
        """
        rows = await self.conn.execute(sa.text(sql), self._window(start, end, limit=limit))
        return [BlogFigures(r.blog_id, r.slug, r.title, _counts(r)) for r in rows]

    async def moderation(self, start: datetime, end: datetime) -> ModerationFigures:
        """Two statements: the figures (one row), then the actions per moderator."""
        sql = f"""
            SELECT
              (SELECT count(*) FROM comments c
               WHERE c.tenant_id = :t AND c.status = 'pending') AS pending_now,
              (SELECT count(*) FROM comments c WHERE c.tenant_id = :t AND c.status = 'pending'
               AND c.held_reason = 'reports') AS reported_now,
              (SELECT count(*) FROM comment_reports r
               WHERE r.tenant_id = :t AND r.created_at >= :a AND r.created_at < :b) AS reports,
              d.decided, d.median, d.p90, s.*
            FROM (
              SELECT count(*) AS decided,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
                         c.first_moderated_at - c.created_at)) AS median,
                     percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM
                         c.first_moderated_at - c.created_at)) AS p90
              FROM comments c
              WHERE c.tenant_id = :t AND c.first_moderated_at >= :a
                AND c.first_moderated_at < :b) d,
            (SELECT {_SUMS} FROM insight_tenant_hours h
             WHERE h.tenant_id = :t AND h.hour >= :a AND h.hour < :b) s
        """
        row = (await self.conn.execute(sa.text(sql), self._params(start, end))).one()
        actions_sql = """
            SELECT l.actor_user_id, coalesce(min(u.display_name), '') AS name,
                   count(*) FILTER (WHERE l.action = 'comment.approve') AS approve,
                   count(*) FILTER (WHERE l.action = 'comment.reject') AS reject,
                   count(*) FILTER (WHERE l.action = 'comment.spam') AS spam,
                   count(*) FILTER (WHERE l.action = 'comment.restore') AS restore
            FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
            WHERE l.tenant_id = :t AND l.created_at >= :a AND l.created_at < :b
              AND l.action = ANY(:actions)
            GROUP BY l.actor_user_id
            ORDER BY count(*) DESC, min(u.display_name)
        """
        params = self._params(start, end, actions=list(MODERATION_ACTIONS))
        moderators = [
            ModeratorActions(
                r.actor_user_id, r.name, int(r.approve), int(r.reject), int(r.spam), int(r.restore)
            )
            for r in await self.conn.execute(sa.text(actions_sql), params)
        ]
        return ModerationFigures(
            pending_now=int(row.pending_now),
            reported_now=int(row.reported_now),
            created=_counts(row),
            decided=int(row.decided),
            median_seconds=float(row.median) if row.median is not None else None,
            p90_seconds=float(row.p90) if row.p90 is not None else None,
            reports=int(row.reports),
            moderators=moderators,
        )

    async def count_read(
        self, post_id: UUID, day: date, visitor: bytes, at: datetime
    ) -> bool | None:
        """One statement: yesterday's visitor keys go, the post must be public, the visitor
        is new for the day, and then the hour's read counter and presence grow."""
        sql = f"""
            WITH post AS (
                SELECT p.id, p.blog_id, p.author_id FROM posts p
                JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id
                WHERE p.tenant_id = :t AND p.id = :p AND {_PUBLIC_POST} AND b.status = 'active'),
            purge AS (
                DELETE FROM post_read_visitors WHERE tenant_id = :t AND day < :day),
            seen AS (
                INSERT INTO post_read_visitors (tenant_id, day, post_id, visitor)
                SELECT :t, :day, post.id, :v FROM post
                ON CONFLICT DO NOTHING RETURNING post_id),
            counted AS (
                INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id, reads)
                SELECT :t, post.id, date_trunc('hour', CAST(:at AS timestamptz), 'UTC'),
                       post.blog_id, post.author_id, 1
                FROM post JOIN seen ON seen.post_id = post.id
                ON CONFLICT (tenant_id, post_id, hour)
                DO UPDATE SET reads = insight_post_hours.reads + 1
                RETURNING post_id),
            present AS (
                INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person)
                SELECT :t, date_trunc('hour', CAST(:at AS timestamptz), 'UTC'), post.blog_id,
                       post.author_id, 'v', :v
                FROM post JOIN seen ON seen.post_id = post.id
                ON CONFLICT DO NOTHING)
            SELECT (SELECT count(*) FROM post) AS public, (SELECT count(*) FROM counted) AS counted
        """
        params = {"t": self.tenant_id, "p": post_id, "day": day, "v": visitor, "at": at}
        row = (await self.conn.execute(sa.text(sql), params)).one()
        if not row.public:
            return None
        return bool(row.counted)


# --- what is said ---------------------------------------------------------------------------

# The count a topics list ranks by: every approved comment, or the negative ones alone.
_TOPIC_COUNT = {TopicTone.ALL: "comments", TopicTone.NEGATIVE: "negative"}
_TOPIC_EXAMPLES = {TopicTone.ALL: "examples", TopicTone.NEGATIVE: "negative_examples"}


class SqlTopicsRepository(TenantScoped):
    """Sums over ``insight_topic_days`` (migration 0020): one row per UTC day and term."""

    async def topics(
        self, days: TopicDays, tone: TopicTone, limit: int, minimum: int
    ) -> tuple[int, list[Topic], list[Topic]]:
        """One statement: the approved comments of the window's days (from the tenant's
        hourly roll-up), then per term the window's and the previous period's counts, and
        the two lists: the most frequent terms, and those rising most against the
        previous period (more comments than then, at least ``minimum``)."""
        count = _TOPIC_COUNT[tone]
        total = "comments_approved" if tone is TopicTone.ALL else "negative"
        sql = f"""
            WITH t AS (
                SELECT d.term, min(d.label) AS label,
                       coalesce(sum(d.{count}) FILTER (WHERE d.day >= :d1), 0) AS cur,
                       coalesce(sum(d.{count}) FILTER (WHERE d.day < :d1), 0) AS prev,
                       coalesce(sum(d.positive) FILTER (WHERE d.day >= :d1), 0) AS positive,
                       coalesce(sum(d.neutral) FILTER (WHERE d.day >= :d1), 0) AS neutral,
                       coalesce(sum(d.negative) FILTER (WHERE d.day >= :d1), 0) AS negative
                FROM insight_topic_days d
                WHERE d.tenant_id = :t AND d.day >= :p1 AND d.day < :d2
                GROUP BY d.term),
            top AS (
                SELECT 'top' AS list, t.* FROM t WHERE t.cur >= :minimum
                ORDER BY t.cur DESC, t.term COLLATE "C" LIMIT :limit),
            rising AS (
                SELECT 'rising' AS list, t.* FROM t WHERE t.cur >= :minimum AND t.cur > t.prev
                ORDER BY (t.cur + 1)::float8 / (t.prev + 1) DESC, t.cur DESC,
                         t.term COLLATE "C"
                LIMIT :limit)
            SELECT 'total' AS list, NULL AS term, NULL AS label,
                   (SELECT coalesce(sum(h.{total}), 0) FROM insight_tenant_hours h
                    WHERE h.tenant_id = :t AND h.hour >= :a AND h.hour < :b) AS cur,
                   0 AS prev, 0 AS positive, 0 AS neutral, 0 AS negative
            UNION ALL SELECT * FROM top
            UNION ALL SELECT * FROM rising
        """
        midnight = datetime.min.time()
        params = {
            "t": self.tenant_id,
            "d1": days.first,
            "d2": days.end,
            "p1": days.previous,
            "a": datetime.combine(days.first, midnight, tzinfo=UTC),
            "b": datetime.combine(days.end, midnight, tzinfo=UTC),
            "limit": limit,
            "minimum": minimum,
        }
        comments = 0
        lists: dict[str, list[Topic]] = {"top": [], "rising": []}
        for r in await self.conn.execute(sa.text(sql), params):
            if r.list == "total":
                comments = int(r.cur)
                continue
            lists[r.list].append(
                Topic(
                    term=r.term,
                    label=r.label,
                    comments=int(r.cur),
                    previous=int(r.prev),
                    positive=int(r.positive),
                    neutral=int(r.neutral),
                    negative=int(r.negative),
                )
            )
        return comments, lists["top"], lists["rising"]

    async def examples(
        self, terms: list[str], days: TopicDays, tone: TopicTone, per_term: int
    ) -> dict[str, list[TopicExample]]:
        """One statement: for each term, up to ``per_term`` of the example comments kept
        on the window's days (newest days first) that are still approved."""
        if not terms:
            return {}
        column = _TOPIC_EXAMPLES[tone]
        sql = f"""
            SELECT x.term, c.id, c.post_id, p.title, c.author_name,
                   left(c.body_markdown, 280) AS excerpt, c.sentiment, c.created_at
            FROM unnest(CAST(:terms AS text[])) AS x(term)
            CROSS JOIN LATERAL (
                SELECT e.id FROM insight_topic_days d, unnest(d.{column}) AS e(id)
                JOIN comments c ON c.tenant_id = :t AND c.id = e.id AND c.status = 'approved'
                WHERE d.tenant_id = :t AND d.term = x.term AND d.day >= :d1 AND d.day < :d2
                ORDER BY d.day DESC, e.id LIMIT :n) ex
            JOIN comments c ON c.tenant_id = :t AND c.id = ex.id
            JOIN posts p ON p.tenant_id = :t AND p.id = c.post_id
            ORDER BY x.term, c.created_at DESC, c.id
        """
        params = {
            "t": self.tenant_id,
            "terms": terms,
            "d1": days.first,
            "d2": days.end,
            "n": per_term,
        }
        out: dict[str, list[TopicExample]] = {}
        for r in await self.conn.execute(sa.text(sql), params):
            out.setdefault(r.term, []).append(
                TopicExample(
                    comment_id=r.id,
                    post_id=r.post_id,
                    post_title=r.title,
                    author_name=r.author_name,
                    excerpt=r.excerpt,
                    tone=r.sentiment,
                    created_at=r.created_at,
                )
            )
        return out


# --- people who matter, readers included ----------------------------------------------------

_PERSON = "coalesce('\\x75'::bytea || uuid_send({r}.author_user_id), {r}.ip_hash)"


class SqlCommentersRepository(TenantScoped):
    async def commenters(self, start: datetime, end: datetime) -> list[CommenterFigures]:
        """One statement: per signed-in person with approved comments in the window, their
        comments and the UTC days they came, the approved replies to those comments (by
        someone else) and how many distinct people wrote them, the votes of the posts they
        commented on, and whether they are new, members, authors. Reads the window's
        comments of signed-in people through ``comments_author`` and their replies
        through ``comments_root``; anonymous commenters cannot be invited and are left out."""
        sql = f"""
            WITH mine AS (
                SELECT c.author_user_id AS uid, c.id, c.root_id, c.post_id, c.created_at
                FROM comments c
                WHERE c.tenant_id = :t AND c.author_user_id IS NOT NULL
                  AND c.status = 'approved' AND c.created_at >= :a AND c.created_at < :b),
            written AS (
                SELECT uid, count(*) AS comments,
                       count(DISTINCT (created_at AT TIME ZONE 'UTC')::date) AS active_days
                FROM mine GROUP BY uid),
            answered AS (
                SELECT m.uid, count(*) AS replies,
                       count(DISTINCT {_PERSON.format(r="r")}) AS repliers
                FROM mine m
                JOIN comments r ON r.tenant_id = :t AND r.root_id = m.root_id
                                AND r.parent_id = m.id
                WHERE r.status = 'approved' AND r.created_at >= :a AND r.created_at < :b
                  AND r.author_user_id IS DISTINCT FROM m.uid
                GROUP BY m.uid),
            rated AS (
                SELECT x.uid, sum(h.ratings) AS ratings, sum(h.rating_sum) AS rating_sum
                FROM (SELECT DISTINCT uid, post_id FROM mine) x
                JOIN insight_post_hours h ON h.tenant_id = :t AND h.post_id = x.post_id
                                          AND h.hour >= :a AND h.hour < :b
                GROUP BY x.uid)
            SELECT u.id, u.display_name AS name, u.handle, w.comments, w.active_days,
                   coalesce(an.replies, 0) AS replies, coalesce(an.repliers, 0) AS repliers,
                   coalesce(ra.ratings, 0) AS ratings, coalesce(ra.rating_sum, 0) AS rating_sum,
                   NOT EXISTS (
                       SELECT 1 FROM comments e
                       WHERE e.tenant_id = :t AND e.author_user_id = u.id
                         AND e.status = 'approved' AND e.created_at < :a) AS new,
                   (SELECT ms.role FROM memberships ms
                    WHERE ms.tenant_id = :t AND ms.user_id = u.id) AS role,
                   EXISTS (
                       SELECT 1 FROM posts p WHERE p.tenant_id = :t AND p.author_id = u.id
                         AND p.deleted_at IS NULL) AS author,
                   EXISTS (
                       SELECT 1 FROM ambassadors am
                       WHERE am.tenant_id = :t AND am.user_id = u.id) AS ambassador
            FROM written w
            JOIN users u ON u.id = w.uid
            LEFT JOIN answered an ON an.uid = w.uid
            LEFT JOIN rated ra ON ra.uid = w.uid
        """
        rows = await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "a": start, "b": end})
        return [
            CommenterFigures(
                user_id=r.id,
                name=r.name,
                handle=r.handle,
                comments=int(r.comments),
                replies=int(r.replies),
                repliers=int(r.repliers),
                active_days=int(r.active_days),
                ratings=int(r.ratings),
                rating_sum=int(r.rating_sum),
                new=bool(r.new),
                role=r.role,
                author=bool(r.author),
                ambassador=bool(r.ambassador),
            )
            for r in rows
        ]
