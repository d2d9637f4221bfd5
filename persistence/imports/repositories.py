"""Imports: their tables (mirroring migration 0024) and the repository that writes what
an import brings in (posts go through the posts' repository; comments, blogs, keys and
redirects are written here)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.imports.model import (
    CategoriesAs,
    CommentRow,
    ImportFormat,
    ImportJob,
    ImportOptions,
    ImportReport,
    ImportState,
)
from domain.kernel.access import Role
from persistence import tables as t
from persistence.comments.repositories import comments as _c
from persistence.database import TenantScoped

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
            sa.select(import_keys.c.item_key, import_keys.c.target_id).where(
                import_keys.c.tenant_id == self.tenant_id,
                import_keys.c.source == source[:2000],
                import_keys.c.item_key.in_(wanted),
            )
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
            pg_insert(import_keys)
            .values(
                [
                    {
                        "tenant_id": self.tenant_id,
                        "source": source[:2000],
                        "item_key": key[:300],
                        "target_id": target,
                        "created_at": sa.func.now(),
                    }
                    for key, target in pairs.items()
                ]
            )
            .on_conflict_do_nothing()
        )

    async def add_redirects(self, paths: dict[str, UUID]) -> int:
        """An old path already taken (by an earlier import) keeps its first post."""
        if not paths:
            return 0
        result = await self.conn.execute(
            pg_insert(redirects)
            .values(
                [
                    {
                        "tenant_id": self.tenant_id,
                        "path": path,
                        "post_id": post_id,
                        "created_at": sa.func.now(),
                    }
                    for path, post_id in paths.items()
                ]
            )
            .on_conflict_do_nothing()
            .returning(redirects.c.path)
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

    async def add_comments(self, rows: list[CommentRow]) -> None:
        if not rows:
            return
        await self.conn.execute(
            _c.insert().values(
                [
                    {
                        "tenant_id": self.tenant_id,
                        "id": r.id,
                        "post_id": r.post_id,
                        "parent_id": r.parent_id,
                        "root_id": r.root_id,
                        "depth": r.depth,
                        "author_name": r.author_name,
                        "author_email": r.author_email,
                        "author_url": r.author_url,
                        "body_markdown": r.body_markdown,
                        "body_html": r.body_html,
                        "body_hash": hashlib.sha256(
                            " ".join(r.body_markdown.lower().split()).encode()
                        ).digest(),
                        "status": r.status.value,
                        "created_at": r.created_at,
                        "updated_at": r.created_at,
                        "sentiment": r.sentiment,
                    }
                    for r in rows
                ]
            )
        )

    async def count_comments(self, post_ids: list[UUID]) -> None:
        """The posts' counters, as the comments slice keeps them (approved comments)."""
        p = t.posts
        approved = (
            sa.select(sa.func.count())
            .where(
                _c.c.tenant_id == p.c.tenant_id, _c.c.post_id == p.c.id, _c.c.status == "approved"
            )
            .scalar_subquery()
        )
        await self.conn.execute(
            p.update()
            .where(p.c.tenant_id == self.tenant_id, p.c.id.in_(post_ids))
            .values(comment_count=approved)
        )

    async def set_cover(self, post_id: UUID, url: str) -> None:
        await self.conn.execute(
            t.posts.update()
            .where(t.posts.c.tenant_id == self.tenant_id, t.posts.c.id == post_id)
            .values(cover_image_url=url[:2000])
        )
