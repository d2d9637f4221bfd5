"""Read-side SQL of the public site (blogs, posts, tags, authors, feeds): plain rows for
the response models, no mapping layer.

Every query here applies the same visibility rule, written once in ``VISIBLE``: a post
is public when it is published (or scheduled and its time has come by the database's
clock), not deleted, and its blog is active. The clock is ``statement_timestamp()``
rather than ``now()``: the same instant for the one statement of a public read, but it
does not stand still inside a long transaction. ``clock`` below can replace it with a
given instant (bound as ``:now``), so a test moves time past a scheduled post instead of
sleeping until it is due; in production it answers None, the database's clock. Statements are assembled from fixed
fragments only; every value a caller sends travels as a bound parameter.

The post list and the single post are one statement each (authors, blogs and tag names
come in through joins and a lateral aggregate), so with the transaction's tenant context
a request costs two round trips whatever the page size.

They run on the driver's own connection (``Database.driver_reads``), in a read-only
transaction: on statements this cheap SQLAlchemy's per-statement work was about a sixth
of the worker's CPU under the benchmark's single-post load. Rows are asyncpg records,
read by column name. Everything else in the product goes through SQLAlchemy.

``bench/bare_app.py`` imports the builders below, so the benchmark's floor runs exactly
the same SQL.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal
from uuid import UUID

import asyncpg
from asyncpg import Record

from domain.kernel.errors import InvalidInput
from persistence.database import Database

Sort = Literal["recent", "top_rated", "most_discussed", "relevance"]

# Ratings are ranked by a Bayesian average: every post starts with PRIOR_VOTES imaginary
# votes of PRIOR_MEAN stars, so a single 5-star vote scores (5*3 + 5) / 6 = 3.33 and does
# not outrank a post with twenty votes averaging 4.5 (score 4.2). Migration 0006 indexes
# exactly this expression; change both together.
PRIOR_VOTES = 5
PRIOR_MEAN = 3.0
SCORE = "((15.0 + p.rating_sum)::float8 / (5 + p.rating_count))"
assert f"{PRIOR_VOTES * PRIOR_MEAN:.1f}" == "15.0"

VISIBLE = (
    "p.status IN ('published','scheduled') AND p.deleted_at IS NULL "
    "AND p.published_at <= coalesce(CAST(:now AS timestamptz), statement_timestamp()) "
    "AND b.status = 'active'"
)


def database_clock() -> datetime | None:
    """No instant of our own: ``statement_timestamp()`` decides."""
    return None


# What "now" is for the visibility rule; tests replace it (monkeypatch) to move time.
clock: Callable[[], datetime | None] = database_clock

_POST_FROM = "posts p JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id"

# Scheduled posts whose time has not come: counted by public_post_counts from their
# write (migration 0013) but not visible yet, so the counts subtract them (few rows, read
# through the partial index posts_scheduled). A published post's date is never ahead of
# the clock that published it, so only scheduled ones need this.
_AHEAD = (
    "p.status = 'scheduled' AND p.deleted_at IS NULL "
    "AND p.published_at > coalesce(CAST(:now AS timestamptz), statement_timestamp())"
)

# The kept counts of one facet in the active blogs, one row per blog and key, less the
# posts still ahead: (facet_key, blog_id, posts). ``key`` narrows the facet key.
_COUNTED = (
    "SELECT c.facet_key, c.blog_id, c.posts - ("
    "SELECT count(*) FROM posts p WHERE p.tenant_id = c.tenant_id AND p.blog_id = c.blog_id "
    f"AND {_AHEAD} AND CASE c.facet WHEN 'tag' THEN p.tag_names @> ARRAY[c.facet_key]::varchar[] "
    "ELSE p.author_id::text = c.facet_key END) AS posts "
    "FROM public_post_counts c JOIN blogs b ON b.tenant_id = c.tenant_id AND b.id = c.blog_id "
    "AND b.status = 'active' "
    "WHERE c.tenant_id = CAST(:tenant AS uuid) AND c.facet = '{facet}'{key}"
)

# Search: each post is indexed with its language's configuration (French and English
# stemmers behind unaccent, "simple" otherwise), so the query is parsed the same way.
# Matching runs in ``public_post_matches`` (migration 0008), a definer function bound to
# the caller's tenant, because under row-level security the planner would not use the
# GIN index for ``@@``. French stems also match as prefixes (``causerie_fr_query``).
_TSQ = "websearch_to_tsquery('{config}'::regconfig, CAST(:q AS text))"
_TSQ_EN, _TSQ_SIMPLE = (_TSQ.format(config=c) for c in ("causerie_en", "causerie_simple"))
_TSQ_FR = "causerie_fr_query(CAST(:q AS text))"
MATCH = "p.id IN (SELECT public_post_matches(CAST(:q AS text)))"

# websearch_to_tsquery nests one NOT per ``-`` that starts a word, even when no term
# follows, and its parser stack overflows at a few dozen ("tsquery stack too small",
# which would be a 500). Before the text reaches PostgreSQL, a ``-`` that is followed
# (after any separators) by another ``-`` is dropped, so a run of negations counts as
# one, and only the first MAX_SEARCH_TERMS words are kept.
MAX_SEARCH_TERMS = 32
_NEGATION_RUN = re.compile(r"-[\W_]*(?=-)")
_WORD = re.compile(r"\w+")


def search_text(q: str) -> str:
    """The search text as sent to websearch_to_tsquery: bounded in operators and terms."""
    text = _NEGATION_RUN.sub(" ", q)
    words = list(_WORD.finditer(text))
    if len(words) > MAX_SEARCH_TERMS:
        text = text[: words[MAX_SEARCH_TERMS - 1].end()]
    return text


class SearchTooComplex(InvalidInput):
    """PostgreSQL refused to parse a search text (the second wall behind ``search_text``)."""


def _query_for(alias: str) -> str:
    return (
        f"CASE {alias}.language WHEN 'fr' THEN {_TSQ_FR} WHEN 'en' THEN {_TSQ_EN} "
        f"ELSE {_TSQ_SIMPLE} END"
    )


# A prepared statement may switch to a generic plan, in which the search text is an
# unknown parameter: PostgreSQL then cannot use the GIN index and scans every public
# post. Searches therefore ask for a plan made with the actual text (one extra
# statement, for searches only).
CUSTOM_PLANS = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"

RANK = f"ts_rank(p.search, {_query_for('p')})::float8"
# Highlight markers from Unicode's private use area: the caller escapes the text and
# turns them into <mark> tags, so a snippet never carries markup from the post.
MARK_START, MARK_STOP = "\ue000", "\ue001"
_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=35, MinWords=15, "
    'ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "'
)

SORT_KEYS: dict[str, str] = {
    "recent": "p.published_at",
    "top_rated": SCORE,
    "most_discussed": "p.comment_count",
    "relevance": RANK,
}

# The tag slugs of a post with their display names, in the post's order.
_TAGS_LATERAL = (
    "LEFT JOIN LATERAL (SELECT array_agg(t.slug ORDER BY x.ord) AS slugs, "
    "array_agg(t.name ORDER BY x.ord) AS names "
    "FROM unnest({alias}.tag_names) WITH ORDINALITY AS x(slug, ord) "
    "JOIN tags t ON t.tenant_id = CAST(:tenant AS uuid) AND t.slug = x.slug) tg ON true"
)

# Whether the author ``u`` is one of the tenant's ambassadors (a primary-key probe).
AMBASSADOR = (
    "EXISTS (SELECT 1 FROM ambassadors a WHERE a.tenant_id = CAST(:tenant AS uuid) "
    "AND a.user_id = u.id) AS ambassador"
)

_SUMMARY_COLUMNS = (
    "p.id, p.blog_id, p.author_id, p.slug, p.title, p.excerpt, p.cover_image_url, "
    "p.tag_names, p.language, p.published_at, p.reading_minutes, p.comment_count, "
    "p.rating_count, p.rating_sum, p.rating_histogram"
)


# Whether a public post exists is asked as "its newest one": an EXISTS lets the planner
# pick a sequential scan that stops at the first match, which a generic plan expects at
# once when one author or one blog holds every post, and which reads the whole tenant when
# the match is old or absent. Ordered by the publication time, the question walks the
# posts_public_* index of the filter instead.
_NEWEST = "SELECT p.published_at"
_FIRST = " ORDER BY p.published_at DESC LIMIT 1"


@dataclass(frozen=True)
class PostQuery:
    """What the public post list asks for; ``after`` is the keyset position (key, id)."""

    tenant_id: UUID
    sort: Sort = "recent"
    limit: int = 20
    blog: str | None = None
    author: str | None = None
    tag: str | None = None
    q: str | None = None
    after: tuple[Any, UUID] | None = None


def post_list_sql(query: PostQuery) -> tuple[str, dict[str, Any]]:
    """One statement: the filters' existence (for 404s) and the page, ``limit + 1`` rows.

    It always returns at least one row: the ``f_*`` columns tell whether the blog, the
    author and the tag named by the filters are public; the post columns are NULL when
    the page is empty.
    """
    params: dict[str, Any] = {"tenant": query.tenant_id, "limit": query.limit + 1, "now": clock()}
    key = SORT_KEYS[query.sort]
    filters = []
    blog_expr = author_expr = "NULL::uuid"
    tag_expr = "NULL::boolean"
    if query.blog is not None:
        params["blog"] = query.blog
        blog_expr = (
            "(SELECT id FROM blogs WHERE tenant_id = CAST(:tenant AS uuid) "
            "AND slug = CAST(:blog AS text) AND status = 'active')"
        )
        filters.append("p.blog_id = (SELECT blog_id FROM f)")
    if query.author is not None:
        params["author"] = query.author
        # Users are global: a handle is found here only if it has a public post here.
        author_expr = (
            "(SELECT u.id FROM users u WHERE u.handle = CAST(:author AS text) AND "
            f"({_NEWEST} FROM {_POST_FROM} WHERE p.tenant_id = CAST(:tenant AS uuid) "
            f"AND p.author_id = u.id AND {VISIBLE}{_FIRST}) IS NOT NULL)"
        )
        filters.append("p.author_id = (SELECT author_id FROM f)")
    if query.tag is not None:
        params["tag"] = query.tag
        tag_expr = (
            f"({_NEWEST} FROM {_POST_FROM} WHERE p.tenant_id = CAST(:tenant AS uuid) "
            f"AND p.tag_names @> ARRAY[CAST(:tag AS varchar)] AND {VISIBLE}{_FIRST}) IS NOT NULL"
        )
        filters.append("p.tag_names @> ARRAY[CAST(:tag AS varchar)]")
    if query.q is not None:
        params["q"] = search_text(query.q)
        filters.append(MATCH)
    if query.after is not None:
        params["after_key"], params["after_id"] = query.after
        cast = {"recent": "timestamptz", "most_discussed": "integer"}.get(query.sort, "float8")
        filters.append(f"({key}, p.id) < (CAST(:after_key AS {cast}), CAST(:after_id AS uuid))")
    where = "".join(f" AND {f}" for f in filters)
    body = ", p.body_text" if query.q is not None else ""
    snippet = (
        f", ts_headline(causerie_search_config(pg.language), pg.body_text, {_query_for('pg')}, "
        f"'{_HEADLINE_OPTIONS}') AS snippet"
        if query.q is not None
        else ", NULL::text AS snippet"
    )
    sql = (
        f"WITH f AS (SELECT {blog_expr} AS blog_id, {author_expr} AS author_id, "
        f"{tag_expr} AS tag_known), "
        f"page AS (SELECT {_SUMMARY_COLUMNS}{body}, {key} AS sort_key FROM {_POST_FROM} "
        f"WHERE p.tenant_id = CAST(:tenant AS uuid) AND {VISIBLE}{where} "
        f"ORDER BY {key} DESC, p.id DESC LIMIT CAST(:limit AS integer)) "
        "SELECT f.blog_id AS f_blog, f.author_id AS f_author, f.tag_known AS f_tag, "
        "pg.*, pb.slug AS blog_slug, pb.title AS blog_title, u.handle, u.display_name, "
        f"{AMBASSADOR}, "
        f"tg.slugs AS tag_slugs, tg.names AS tag_display{snippet} "
        "FROM f LEFT JOIN (page pg "
        "JOIN blogs pb ON pb.tenant_id = CAST(:tenant AS uuid) AND pb.id = pg.blog_id "
        "JOIN users u ON u.id = pg.author_id "
        f"{_TAGS_LATERAL.format(alias='pg')}) ON true "
        "ORDER BY pg.sort_key DESC, pg.id DESC"
    )
    return sql, params


def post_sql(tenant_id: UUID, blog: str, slug: str) -> tuple[str, dict[str, Any]]:
    """One public post by blog and slug, or by one of its old slugs (``slug`` then differs).

    The two ways in are two lookups by unique key glued by ``UNION ALL``, the current slug
    first: written as ``p.slug = … OR p.id = (old-slug subquery)``, a generic plan had no
    index for the ``OR`` and read every post of the tenant."""
    in_blog = (
        "JOIN blogs b ON b.tenant_id = {alias}.tenant_id AND b.id = {alias}.blog_id "
        "WHERE b.tenant_id = CAST(:tenant AS uuid) AND b.slug = CAST(:blog AS text) "
        "AND {alias}.tenant_id = CAST(:tenant AS uuid) AND {alias}.slug = CAST(:slug AS text)"
    )
    sql = (
        f"WITH hit AS (SELECT p.id, 0 AS rank FROM posts p {in_blog.format(alias='p')} "
        f"UNION ALL SELECT s.post_id, 1 FROM post_slugs s {in_blog.format(alias='s')}) "
        f"SELECT {_SUMMARY_COLUMNS}, p.body_html, p.updated_at, b.slug AS blog_slug, "
        f"b.title AS blog_title, u.handle, u.display_name, {AMBASSADOR}, "
        "tg.slugs AS tag_slugs, tg.names AS tag_display FROM hit "
        f"JOIN posts p ON p.tenant_id = CAST(:tenant AS uuid) AND p.id = hit.id "
        "JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id "
        f"JOIN users u ON u.id = p.author_id {_TAGS_LATERAL.format(alias='p')} "
        f"WHERE b.slug = CAST(:blog AS text) AND {VISIBLE} ORDER BY hit.rank LIMIT 1"
    )
    return sql, {"tenant": tenant_id, "blog": blog, "slug": slug, "now": clock()}


_FEED_SQL = (
    f"SELECT {_SUMMARY_COLUMNS}, p.body_html, p.updated_at, b.slug AS blog_slug, "
    "b.title AS blog_title, u.handle, u.display_name, tg.slugs AS tag_slugs, "
    f"tg.names AS tag_display FROM {_POST_FROM} JOIN users u ON u.id = p.author_id "
    f"{_TAGS_LATERAL.format(alias='p')} "
    "WHERE p.tenant_id = CAST(:tenant AS uuid) AND {VISIBLE}{blog} "
    "ORDER BY p.published_at DESC, p.id DESC LIMIT CAST(:limit AS integer)"
)


class PublicReader:
    """The public queries, on one read-only transaction whose tenant context is set.

    They run on the driver's connection (``Database.driver_reads``) and return asyncpg
    records, read by column name: ``row["slug"]``.
    """

    def __init__(self, conn: asyncpg.Connection, tenant_id: UUID, now: datetime | None = None):
        self.conn, self.tenant_id, self.now = conn, tenant_id, now

    async def _all(self, sql: str, params: dict[str, Any]) -> list[Record]:
        numbered, names = _numbered(sql)
        values = {**params, "now": self.now}
        rows: list[Record] = await self.conn.fetch(numbered, *(values[name] for name in names))
        return rows

    async def posts(self, query: PostQuery) -> list[Record]:
        if query.q is None:
            return await self._all(*post_list_sql(query))
        await self.conn.execute(CUSTOM_PLANS)
        try:
            return await self._all(*post_list_sql(query))
        except asyncpg.PostgresError as exc:
            if "tsquery" not in str(exc):
                raise
            raise SearchTooComplex("The search query has too many operators; simplify it.") from exc

    async def post(self, blog: str, slug: str) -> Record | None:
        rows = await self._all(*post_sql(self.tenant_id, blog, slug))
        return rows[0] if rows else None

    async def blogs(self, *, after: str | None, limit: int) -> list[Record]:
        keyset = " AND slug > CAST(:after AS text)" if after is not None else ""
        return await self._all(
            "SELECT slug, title, description, language FROM blogs "
            f"WHERE tenant_id = CAST(:tenant AS uuid) AND status = 'active'{keyset} "
            "ORDER BY slug LIMIT CAST(:limit AS integer)",
            {"tenant": self.tenant_id, "after": after, "limit": limit + 1}
            if after is not None
            else {"tenant": self.tenant_id, "limit": limit + 1},
        )

    async def blog(self, slug: str, *, count: bool = True) -> Record | None:
        """An active blog, with its public post count unless ``count`` is false."""
        counted = (
            f"(SELECT coalesce(sum(c.posts), 0)::bigint FROM public_post_counts c "
            f"WHERE c.tenant_id = b.tenant_id AND c.blog_id = b.id AND c.facet = 'blog') "
            f"- (SELECT count(*) FROM posts p WHERE p.tenant_id = b.tenant_id "
            f"AND p.blog_id = b.id AND {_AHEAD})"
            if count
            else "NULL::bigint"
        )
        rows = await self._all(
            f"SELECT b.slug, b.title, b.description, b.language, {counted} AS post_count "
            "FROM blogs b WHERE b.tenant_id = CAST(:tenant AS uuid) "
            "AND b.slug = CAST(:slug AS text) AND b.status = 'active'",
            {"tenant": self.tenant_id, "slug": slug},
        )
        return rows[0] if rows else None

    async def tags(self, *, after: tuple[int, str] | None, limit: int) -> list[Record]:
        """Tags of public posts with how many public posts carry each, most used first."""
        params: dict[str, Any] = {"tenant": self.tenant_id, "limit": limit + 1}
        keyset = ""
        if after is not None:
            params["after_count"], params["after_slug"] = after
            keyset = (
                " AND (n.post_count < CAST(:after_count AS bigint) OR (n.post_count = "
                "CAST(:after_count AS bigint) AND n.slug > CAST(:after_slug AS text)))"
            )
        return await self._all(
            "SELECT n.slug, t.name, n.post_count FROM (SELECT x.facet_key AS slug, "
            "sum(x.posts)::bigint AS post_count "
            f"FROM ({_COUNTED.format(facet='tag', key='')}) x GROUP BY x.facet_key) n "
            "JOIN tags t ON t.tenant_id = CAST(:tenant AS uuid) AND t.slug = n.slug "
            f"WHERE n.post_count > 0{keyset} "
            "ORDER BY n.post_count DESC, n.slug LIMIT CAST(:limit AS integer)",
            params,
        )

    async def author(self, handle: str) -> Record | None:
        """An author with public posts in this tenant, with their count and blogs."""
        rows = await self._all(
            f"SELECT u.handle, u.display_name, {AMBASSADOR}, "
            "sum(x.posts)::integer AS post_count, "
            "array_agg(b.slug ORDER BY b.slug) AS blog_slugs, "
            "array_agg(b.title ORDER BY b.slug) AS blog_titles "
            "FROM users u CROSS JOIN LATERAL ("
            + _COUNTED.format(facet="author", key=" AND c.facet_key = u.id::text")
            + ") x "
            "JOIN blogs b ON b.tenant_id = CAST(:tenant AS uuid) AND b.id = x.blog_id "
            "WHERE u.handle = CAST(:handle AS text) AND x.posts > 0 "
            "GROUP BY u.id, u.handle, u.display_name",
            {"tenant": self.tenant_id, "handle": handle},
        )
        return rows[0] if rows else None

    async def feed(self, *, blog: str | None, limit: int) -> list[Record]:
        """The latest public posts with their bodies (site-wide, or of one blog)."""
        params: dict[str, Any] = {"tenant": self.tenant_id, "limit": limit}
        blog_filter = ""
        if blog is not None:
            params["blog"] = blog
            blog_filter = " AND b.slug = CAST(:blog AS text)"
        return await self._all(_FEED_SQL.format(VISIBLE=VISIBLE, blog=blog_filter), params)

    async def sitemap(self, *, limit: int) -> tuple[list[Record], list[Record]]:
        blogs = await self._all(
            "SELECT slug, updated_at FROM blogs WHERE tenant_id = CAST(:tenant AS uuid) "
            "AND status = 'active' ORDER BY slug",
            {"tenant": self.tenant_id},
        )
        posts = await self._all(
            "SELECT b.slug AS blog_slug, p.slug, greatest(p.published_at, p.updated_at) AS "
            f"modified FROM {_POST_FROM} WHERE p.tenant_id = CAST(:tenant AS uuid) AND {VISIBLE} "
            "ORDER BY p.published_at DESC, p.id DESC LIMIT CAST(:limit AS integer)",
            {"tenant": self.tenant_id, "limit": limit},
        )
        return blogs, posts


@asynccontextmanager
async def public_reader(db: Database, tenant_id: UUID) -> AsyncIterator[PublicReader]:
    """A read-only transaction in the tenant's context (rolled back, never committed)."""
    async with db.driver_reads(tenant_id) as conn:
        yield PublicReader(conn, tenant_id, clock())


_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` parameters turned into ``$1``-style ones, and the names in that order.

    The statements are assembled from a few fixed fragments, so there are few distinct
    texts and the conversion is done once for each."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return _NAMED.sub(number, sql), tuple(order)


def to_numbered(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The same statement with ``$1``-style parameters, for a driver used directly."""
    numbered, names = _numbered(sql)
    return numbered, [params[name] for name in names]
