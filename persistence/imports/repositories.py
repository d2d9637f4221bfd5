"""Imports: their tables (mirroring migration 0024) and the repository that writes what
an import brings in (posts go through the posts' repository; comments, blogs, keys and
redirects are written here)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.comments.model import CommentStatus
from domain.imports.model import (
    CategoriesAs,
    CommentRow,
    ImportBatch,
    ImportFormat,
    ImportJob,
    ImportOptions,
    ImportReport,
    ImportState,
)
from domain.kernel.access import Role
from domain.posts.model import Post
from persistence import tables as t
from persistence.database import TenantScoped
from persistence.posts.repositories import _post_values

U = PgUUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


imports = sa.Table(
    "imports",
    t.metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("format", sa.String(10), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("options", JSONB, nullable=False),
    sa.Column("source", sa.String(2000), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("file_size", sa.BigInteger, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("report", JSONB, nullable=False, server_default="{}"),
    sa.Column("warnings", JSONB, nullable=False, server_default="[]"),
    sa.Column("error", JSONB),
    sa.Column("created_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    _ts("created_at", False),
    _ts("finished_at"),
    sa.Index(
        "imports_one_active",
        "tenant_id",
        unique=True,
        postgresql_where=sa.text("state IN ('queued','running')"),
    ),
    sa.Index("imports_recent", "tenant_id", sa.text("created_at DESC"), sa.text("id DESC")),
)

import_keys = sa.Table(
    "import_keys",
    t.metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("source", sa.String(2000), primary_key=True),
    sa.Column("item_key", sa.String(300), primary_key=True),
    sa.Column("target_id", U, nullable=False),
    _ts("created_at", False),
)

redirects = sa.Table(
    "redirects",
    t.metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("path", sa.String(2000), primary_key=True),
    sa.Column("post_id", U, nullable=False),
    _ts("created_at", False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
)

_i = imports
# Transaction-local: on for the statements of a batch only (see ``add_batch``).
_BULK_LOAD = sa.text("SELECT set_config('causerie.bulk_load', :on, true)")
# Many rows in one statement of constant text (its plan is prepared once), from arrays.
# Look-ups of many keys at once, one index probe per key on the whole primary key (a
# lateral subquery with a LIMIT is planned per key, whatever the table's statistics say;
# an ``IN`` list could be applied as a filter over the tenant's rows instead).
_KEYS = sa.text(
    "SELECT k.item_key, k.target_id FROM unnest(CAST(:keys AS varchar[])) AS w(key) "
    "CROSS JOIN LATERAL (SELECT i.item_key, i.target_id FROM import_keys i "
    "WHERE i.tenant_id = CAST(:tenant AS uuid) AND i.source = CAST(:source AS varchar) "
    "AND i.item_key = w.key LIMIT 1) AS k"
)
_SLUGS = sa.text(
    "SELECT w.blog_id, w.slug FROM unnest(CAST(:blogs AS uuid[]), CAST(:slugs AS varchar[])) "
    "AS w(blog_id, slug) WHERE EXISTS (SELECT 1 FROM posts p WHERE "
    "p.tenant_id = CAST(:tenant AS uuid) AND p.blog_id = w.blog_id AND p.slug = w.slug) "
    "OR EXISTS (SELECT 1 FROM post_slugs s WHERE s.tenant_id = CAST(:tenant AS uuid) "
    "AND s.blog_id = w.blog_id AND s.slug = w.slug)"
)
_COUNTS_BULK = sa.text(
    "SELECT public_post_counts_bulk(CAST(:blogs AS uuid[]), CAST(:authors AS uuid[]), "
    "CAST(:statuses AS text[]), CAST(:tags AS text[]))"
)
_INSIGHTS_BULK = sa.text(
    "SELECT insight_bulk_comments(CAST(:ids AS uuid[]), CAST(:posts AS uuid[]), "
    "CAST(:blogs AS uuid[]), CAST(:authors AS uuid[]), CAST(:created AS timestamptz[]), "
    "CAST(:statuses AS text[]), CAST(:replies AS boolean[]), CAST(:sentiments AS text[]), "
    "CAST(:bodies AS text[]), CAST(:persons AS bytea[]))"
)
# Every column a new post is given; the tags travel as a JSON list each (an array of
# arrays must be rectangular).
_POST_COLUMNS = (*(f.name for f in fields(Post)), "comment_count")


def _array_type(name: str) -> str:
    if name == "tag_names":
        return "text[]"
    return f"{t.posts.c[name].type.compile(dialect=postgresql.dialect())}[]"  # type: ignore[no-untyped-call]


_POSTS = sa.text(
    f"INSERT INTO posts ({', '.join(_POST_COLUMNS)}) "
    "SELECT "
    + ", ".join(
        "ARRAY(SELECT jsonb_array_elements_text(CAST(p.tag_names AS jsonb)))"
        if n == "tag_names"
        else f"p.{n}"
        for n in _POST_COLUMNS
    )
    + " "
    f"FROM unnest({', '.join(f'CAST(:{n} AS {_array_type(n)})' for n in _POST_COLUMNS)}) "
    f"AS p({', '.join(_POST_COLUMNS)})"
)
_COMMENTS = sa.text(
    "INSERT INTO comments (tenant_id, id, post_id, parent_id, root_id, depth, author_name, "
    "author_email, author_url, body_markdown, body_html, body_hash, status, created_at, "
    "updated_at, sentiment) "
    "SELECT CAST(:tenant AS uuid), c.id, c.post_id, c.parent_id, c.root_id, c.depth, c.name, "
    "c.email, c.url, c.markdown, c.html, c.hash, c.status, c.created, c.created, c.sentiment "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:posts AS uuid[]), CAST(:parents AS uuid[]), "
    "CAST(:roots AS uuid[]), CAST(:depths AS smallint[]), CAST(:names AS varchar[]), "
    "CAST(:emails AS varchar[]), CAST(:urls AS varchar[]), CAST(:markdown AS text[]), "
    "CAST(:html AS text[]), CAST(:hashes AS bytea[]), CAST(:statuses AS varchar[]), "
    "CAST(:created AS timestamptz[]), CAST(:sentiments AS varchar[])) "
    "AS c(id, post_id, parent_id, root_id, depth, name, email, url, markdown, html, hash, "
    "status, created, sentiment)"
)
_REMEMBER = sa.text(
    "INSERT INTO import_keys (tenant_id, source, item_key, target_id, created_at) "
    "SELECT CAST(:tenant AS uuid), CAST(:source AS varchar), k, v, now() "
    "FROM unnest(CAST(:keys AS varchar[]), CAST(:targets AS uuid[])) AS x(k, v) "
    "ON CONFLICT DO NOTHING"
)
_REDIRECT = sa.text(
    "INSERT INTO redirects (tenant_id, path, post_id, created_at) "
    "SELECT CAST(:tenant AS uuid), p, v, now() "
    "FROM unnest(CAST(:paths AS varchar[]), CAST(:posts AS uuid[])) AS x(p, v) "
    "ON CONFLICT DO NOTHING RETURNING path"
)


def _job(row: Any) -> ImportJob:
    options = row.options
    return ImportJob(
        id=row.id,
        tenant_id=row.tenant_id,
        format=ImportFormat(row.format),
        state=ImportState(row.state),
        options=ImportOptions(
            blog_id=UUID(options["blog_id"]),
            author_role=Role(options["author_role"]),
            categories_as=CategoriesAs(options["categories_as"]),
            dry_run=bool(options["dry_run"]),
            site_url=options.get("site_url"),
        ),
        source=row.source,
        file_name=row.file_name,
        file_size=row.file_size,
        total=row.total,
        done=row.done,
        report=ImportReport(**row.report),
        warnings=list(row.warnings),
        error=row.error,
        created_by=row.created_by,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def _values(job: ImportJob) -> dict[str, Any]:
    return {
        "state": job.state.value,
        "total": job.total,
        "done": job.done,
        "report": job.report.as_dict(),
        "warnings": job.warnings,
        "error": job.error,
        "finished_at": job.finished_at,
    }


class SqlImportRepository(TenantScoped):
    async def add(self, job: ImportJob) -> None:
        options = job.options
        await self.conn.execute(
            _i.insert().values(
                tenant_id=self.tenant_id,
                id=job.id,
                format=job.format.value,
                options={
                    "blog_id": str(options.blog_id),
                    "author_role": options.author_role.value,
                    "categories_as": options.categories_as.value,
                    "dry_run": options.dry_run,
                    "site_url": options.site_url,
                },
                source=job.source[:2000],
                file_name=job.file_name,
                file_size=job.file_size,
                created_by=job.created_by,
                created_at=job.created_at,
                **_values(job),
            )
        )

    async def get(self, import_id: UUID, *, lock: bool = False) -> ImportJob | None:
        query = sa.select(_i).where(_i.c.tenant_id == self.tenant_id, _i.c.id == import_id)
        row = (await self.conn.execute(query.with_for_update() if lock else query)).first()
        return _job(row) if row else None

    async def active(self) -> ImportJob | None:
        row = (
            await self.conn.execute(
                sa.select(_i).where(
                    _i.c.tenant_id == self.tenant_id, _i.c.state.in_(("queued", "running"))
                )
            )
        ).first()
        return _job(row) if row else None

    async def recent(self, limit: int) -> list[ImportJob]:
        rows = await self.conn.execute(
            sa.select(_i)
            .where(_i.c.tenant_id == self.tenant_id)
            .order_by(_i.c.created_at.desc(), _i.c.id.desc())
            .limit(limit)
        )
        return [_job(r) for r in rows]

    async def save(self, job: ImportJob) -> None:
        await self.conn.execute(
            _i.update()
            .where(_i.c.tenant_id == self.tenant_id, _i.c.id == job.id)
            .values(**_values(job))
        )

    async def keys(self, source: str, keys: Iterable[str]) -> dict[str, UUID]:
        wanted = list(keys)
        if not wanted:
            return {}
        rows = await self.conn.execute(
            _KEYS, {"tenant": self.tenant_id, "source": source[:2000], "keys": wanted}
        )
        return {r.item_key: r.target_id for r in rows}

    async def count_keys(self, source: str, prefix: str) -> int:
        return int(
            await self.conn.scalar(
                sa.select(sa.func.count()).where(
                    import_keys.c.tenant_id == self.tenant_id,
                    import_keys.c.source == source[:2000],
                    import_keys.c.item_key.startswith(prefix),
                    ~import_keys.c.item_key.startswith("comment:"),
                )
            )
            or 0
        )

    async def remember(self, source: str, pairs: dict[str, UUID]) -> None:
        if not pairs:
            return
        await self.conn.execute(
            _REMEMBER,
            {
                "tenant": self.tenant_id,
                "source": source[:2000],
                "keys": [key[:300] for key in pairs],
                "targets": list(pairs.values()),
            },
        )

    async def _add_redirects(self, paths: dict[str, UUID]) -> int:
        """An old path already taken (by an earlier import) keeps its first post."""
        if not paths:
            return 0
        result = await self.conn.execute(
            _REDIRECT,
            {"tenant": self.tenant_id, "paths": list(paths), "posts": list(paths.values())},
        )
        return len(result.all())

    async def redirect(self, paths: list[str]) -> tuple[str, str] | None:
        p, b, r = t.posts, t.blogs, redirects
        row = (
            await self.conn.execute(
                sa.select(b.c.slug.label("blog"), p.c.slug.label("post"))
                .select_from(
                    r.join(p, sa.and_(p.c.tenant_id == r.c.tenant_id, p.c.id == r.c.post_id)).join(
                        b, sa.and_(b.c.tenant_id == p.c.tenant_id, b.c.id == p.c.blog_id)
                    )
                )
                .where(
                    r.c.tenant_id == self.tenant_id,
                    r.c.path.in_(paths),
                    p.c.status.in_(("published", "scheduled")),
                    p.c.deleted_at.is_(None),
                    p.c.published_at <= sa.func.now(),
                    b.c.status == "active",
                )
                .limit(1)
            )
        ).first()
        return (row.blog, row.post) if row else None

    async def posts_in_blog(self, blog_id: UUID) -> int:
        return int(
            await self.conn.scalar(
                sa.select(sa.func.count()).where(
                    t.posts.c.tenant_id == self.tenant_id,
                    t.posts.c.blog_id == blog_id,
                    t.posts.c.deleted_at.is_(None),
                )
            )
            or 0
        )

    async def blog_by_slug(self, slug: str) -> UUID | None:
        value = await self.conn.scalar(
            sa.select(t.blogs.c.id).where(
                t.blogs.c.tenant_id == self.tenant_id, t.blogs.c.slug == slug
            )
        )
        return value if isinstance(value, UUID) else None

    async def add_blog(self, blog_id: UUID, slug: str, title: str, language: str) -> None:
        await self.conn.execute(
            t.blogs.insert().values(
                tenant_id=self.tenant_id,
                id=blog_id,
                slug=slug,
                title=title,
                language=language,
                created_at=sa.func.now(),
                updated_at=sa.func.now(),
            )
        )

    async def slugs_taken(self, wanted: list[tuple[UUID, str]]) -> set[tuple[UUID, str]]:
        if not wanted:
            return set()
        rows = await self.conn.execute(
            _SLUGS,
            {
                "tenant": self.tenant_id,
                "blogs": [blog for blog, _ in wanted],
                "slugs": [slug for _, slug in wanted],
            },
        )
        return {(r.blog_id, r.slug) for r in rows} & set(wanted)

    async def add_batch(self, source: str, batch: ImportBatch) -> int:
        """A handful of statements for the whole batch. While they run, the transaction's
        ``causerie.bulk_load`` is on, so the per-row triggers of posts and comments
        (public counts, insights, topics) are not fired for these rows (migration 0028);
        ``public_post_counts_bulk`` and ``insight_bulk_comments`` then add the batch's
        rows to the same aggregates in one grouped statement each, and the setting is
        turned off again before anything else runs in the transaction."""
        if not batch.posts:
            return 0
        await self.conn.execute(_BULK_LOAD, {"on": "on"})
        try:
            # The posts are new: their counters are their approved comments in the batch.
            approved = Counter(
                row.post_id for row in batch.comments if row.status is CommentStatus.APPROVED
            )
            columns: dict[str, list[Any]] = {name: [] for name in _POST_COLUMNS}
            for post in batch.posts:
                values = {**_post_values(post), "comment_count": approved[post.id]}
                values["tag_names"] = json.dumps(values["tag_names"])
                for name in _POST_COLUMNS:
                    columns[name].append(values[name])
            await self.conn.execute(_POSTS, columns)
            if batch.tags:
                await self.conn.execute(
                    pg_insert(t.tags)
                    .values(
                        [
                            {
                                "tenant_id": self.tenant_id,
                                "slug": slug,
                                "name": name,
                                "created_at": sa.func.now(),
                            }
                            for slug, name in batch.tags.items()
                        ]
                    )
                    .on_conflict_do_nothing(index_elements=["tenant_id", "slug"])
                )
            redirected = await self._add_redirects(batch.redirects)
            if batch.comments:
                await self._add_comments(batch.comments)
            await self.remember(source, batch.keys)
            posts = batch.posts
            await self.conn.execute(
                _COUNTS_BULK,
                {
                    "blogs": [post.blog_id for post in posts],
                    "authors": [post.author_id for post in posts],
                    "statuses": [post.status.value for post in posts],
                    "tags": [json.dumps(post.tag_names) for post in posts],
                },
            )
            if batch.comments:
                rows = batch.comments
                of = {post.id: post for post in posts}
                await self.conn.execute(
                    _INSIGHTS_BULK,
                    {
                        "ids": [r.id for r in rows],
                        "posts": [r.post_id for r in rows],
                        "blogs": [of[r.post_id].blog_id for r in rows],
                        "authors": [of[r.post_id].author_id for r in rows],
                        "created": [r.created_at for r in rows],
                        "statuses": [r.status.value for r in rows],
                        "replies": [r.parent_id is not None for r in rows],
                        "sentiments": [r.sentiment for r in rows],
                        "bodies": [r.body_markdown for r in rows],
                        # Imported comments carry no member id nor hashed address.
                        "persons": [None for _ in rows],
                    },
                )
        finally:
            await self.conn.execute(_BULK_LOAD, {"on": "off"})
        return redirected

    async def _add_comments(self, rows: list[CommentRow]) -> None:
        await self.conn.execute(
            _COMMENTS,
            {
                "tenant": self.tenant_id,
                "ids": [r.id for r in rows],
                "posts": [r.post_id for r in rows],
                "parents": [r.parent_id for r in rows],
                "roots": [r.root_id for r in rows],
                "depths": [r.depth for r in rows],
                "names": [r.author_name for r in rows],
                "emails": [r.author_email for r in rows],
                "urls": [r.author_url for r in rows],
                "markdown": [r.body_markdown for r in rows],
                "html": [r.body_html for r in rows],
                "hashes": [
                    hashlib.sha256(" ".join(r.body_markdown.lower().split()).encode()).digest()
                    for r in rows
                ],
                "statuses": [r.status.value for r in rows],
                "created": [r.created_at for r in rows],
                "sentiments": [r.sentiment for r in rows],
            },
        )

    async def set_cover(self, post_id: UUID, url: str) -> None:
        await self.conn.execute(
            t.posts.update()
            .where(t.posts.c.tenant_id == self.tenant_id, t.posts.c.id == post_id)
            .values(cover_image_url=url[:2000])
        )
