"""The post repository of the console side (the public read path has its own queries in
``persistence/posts/public_reads.py``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.posts.model import Post, PostStatus
from domain.posts.ports import ListedFigures, Revision
from persistence import tables as t
from persistence.database import TenantScoped

_POST_COLUMNS = [
    c
    for c in t.posts.c
    if c.name not in ("search", "comment_count", "rating_count", "rating_sum", "rating_histogram")
]


def _post(row: Any) -> Post:
    return Post(
        id=row.id,
        tenant_id=row.tenant_id,
        blog_id=row.blog_id,
        author_id=row.author_id,
        slug=row.slug,
        title=row.title,
        excerpt=row.excerpt,
        body_markdown=row.body_markdown,
        body_html=row.body_html,
        body_text=row.body_text,
        cover_image_url=row.cover_image_url,
        language=row.language,
        status=PostStatus(row.status),
        published_at=row.published_at,
        deleted_at=row.deleted_at,
        version=row.version,
        reading_minutes=row.reading_minutes,
        tag_names=list(row.tag_names),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


MAX_LIST_WORDS = 8


def _folded(value: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.unaccent(sa.func.lower(value))


def _words_in_title_or_excerpt(text: str) -> sa.ColumnElement[bool]:
    """Every word (the first eight) is in the title or the excerpt, ignoring case and
    accents; a substring match, LIKE's wildcards escaped so they match themselves."""
    p = t.posts
    clauses = []
    for word in text.split()[:MAX_LIST_WORDS]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = _folded(sa.literal(f"%{escaped}%"))
        clauses.append(
            sa.or_(
                _folded(p.c.title).like(pattern, escape="\\"),
                _folded(p.c.excerpt).like(pattern, escape="\\"),
            )
        )
    return sa.and_(sa.true(), *clauses)


def _post_values(post: Post) -> dict[str, Any]:
    values = asdict(post)
    values["status"] = post.status.value
    return values


class SqlPostRepository(TenantScoped):
    async def get(self, post_id: UUID, *, lock: bool = False) -> Post | None:
        query = sa.select(*_POST_COLUMNS).where(
            t.posts.c.tenant_id == self.tenant_id, t.posts.c.id == post_id
        )
        if lock:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return _post(row) if row else None

    async def slug_taken(self, blog_id: UUID, slug: str, *, exclude: UUID | None = None) -> bool:
        p, s = t.posts, t.post_slugs
        in_posts = sa.select(p.c.id).where(
            p.c.tenant_id == self.tenant_id, p.c.blog_id == blog_id, p.c.slug == slug
        )
        in_history = sa.select(s.c.post_id).where(
            s.c.tenant_id == self.tenant_id, s.c.blog_id == blog_id, s.c.slug == slug
        )
        if exclude is not None:
            in_posts = in_posts.where(p.c.id != exclude)
            in_history = in_history.where(s.c.post_id != exclude)
        row = (
            await self.conn.execute(sa.select(sa.exists(in_posts) | sa.exists(in_history)))
        ).scalar_one()
        return bool(row)

    async def add(self, post: Post) -> None:
        await self.conn.execute(t.posts.insert().values(**_post_values(post)))

    async def update(self, post: Post) -> None:
        values = _post_values(post)
        for key in ("id", "tenant_id", "created_at"):
            values.pop(key)
        await self.conn.execute(
            t.posts.update()
            .where(t.posts.c.tenant_id == self.tenant_id, t.posts.c.id == post.id)
            .values(**values)
        )

    async def remember_slug(self, blog_id: UUID, slug: str, post_id: UUID) -> None:
        await self.conn.execute(
            pg_insert(t.post_slugs)
            .values(
                tenant_id=self.tenant_id,
                blog_id=blog_id,
                slug=slug,
                post_id=post_id,
                created_at=sa.func.now(),
            )
            .on_conflict_do_update(
                index_elements=["tenant_id", "blog_id", "slug"], set_={"post_id": post_id}
            )
        )

    async def count_live(self, blog_id: UUID) -> int:
        p = t.posts
        return int(
            (
                await self.conn.execute(
                    sa.select(sa.func.count())
                    .select_from(p)
                    .where(
                        p.c.tenant_id == self.tenant_id,
                        p.c.blog_id == blog_id,
                        p.c.status.in_(["published", "scheduled"]),
                        p.c.deleted_at.is_(None),
                    )
                )
            ).scalar_one()
        )

    async def page(
        self,
        *,
        blog_id: UUID | None,
        author_id: UUID | None,
        status: str | None,
        deleted: bool,
        after: tuple[datetime, UUID] | None,
        limit: int,
        now: datetime,
        visible_to: UUID | None = None,
        text: str | None = None,
    ) -> list[Post]:
        p = t.posts
        due = sa.and_(p.c.status == "scheduled", p.c.published_at <= now)
        query = (
            sa.select(*_POST_COLUMNS)
            .where(p.c.tenant_id == self.tenant_id)
            .where(p.c.deleted_at.is_not(None) if deleted else p.c.deleted_at.is_(None))
            .order_by(p.c.updated_at.desc(), p.c.id.desc())
            .limit(limit)
        )
        if blog_id:
            query = query.where(p.c.blog_id == blog_id)
        if author_id:
            query = query.where(p.c.author_id == author_id)
        if status == "published":
            query = query.where(sa.or_(p.c.status == "published", due))
        elif status == "scheduled":
            query = query.where(p.c.status == "scheduled", p.c.published_at > now)
        elif status:
            query = query.where(p.c.status == status)
        if visible_to is not None:
            a = t.blog_authors
            their_blogs = sa.select(a.c.blog_id).where(
                a.c.tenant_id == self.tenant_id, a.c.user_id == visible_to
            )
            public = sa.and_(
                sa.or_(p.c.status == "published", due),
                p.c.published_at <= now,
                p.c.deleted_at.is_(None),
            )
            query = query.where(
                sa.or_(p.c.author_id == visible_to, sa.and_(p.c.blog_id.in_(their_blogs), public))
            )
        if text:
            query = query.where(_words_in_title_or_excerpt(text))
        if after:
            query = query.where(sa.tuple_(p.c.updated_at, p.c.id) < sa.tuple_(*after))
        return [_post(r) for r in await self.conn.execute(query)]

    async def listed_figures(self, post_ids: list[UUID]) -> dict[UUID, ListedFigures]:
        if not post_ids:
            return {}
        p, u = t.posts, t.users
        query = (
            sa.select(p.c.id, u.c.display_name, p.c.comment_count, p.c.rating_count, p.c.rating_sum)
            .join(u, u.c.id == p.c.author_id)
            .where(p.c.tenant_id == self.tenant_id, p.c.id.in_(post_ids))
        )
        return {
            r.id: ListedFigures(
                r.display_name, int(r.comment_count), int(r.rating_count), int(r.rating_sum)
            )
            for r in await self.conn.execute(query)
        }

    async def ensure_tags(self, names: dict[str, str]) -> None:
        if not names:
            return
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
                    for slug, name in names.items()
                ]
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "slug"])
        )

    async def add_revision(self, revision: Revision) -> None:
        await self.conn.execute(
            t.post_revisions.insert().values(tenant_id=self.tenant_id, **asdict(revision))
        )

    async def revisions(
        self, post_id: UUID, *, before_version: int | None = None, limit: int | None = None
    ) -> list[Revision]:
        r = t.post_revisions
        query = (
            sa.select(r)
            .where(r.c.tenant_id == self.tenant_id, r.c.post_id == post_id)
            .order_by(r.c.version.desc(), r.c.id.desc())
            .limit(limit)
        )
        if before_version is not None:
            query = query.where(r.c.version < before_version)
        return [_revision(row) for row in await self.conn.execute(query)]

    async def revision(self, post_id: UUID, revision_id: UUID) -> Revision | None:
        r = t.post_revisions
        row = (
            await self.conn.execute(
                sa.select(r).where(
                    r.c.tenant_id == self.tenant_id, r.c.post_id == post_id, r.c.id == revision_id
                )
            )
        ).first()
        return _revision(row) if row else None


def _revision(row: Any) -> Revision:
    fields = dict(row._mapping)
    fields.pop("tenant_id")
    fields["tag_names"] = list(fields["tag_names"])
    return Revision(**fields)
