"""The blog repository: blogs and who writes for each one."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.blogs.model import Blog, BlogAuthor, BlogRole, BlogStatus
from domain.tenants.model import CommentPolicy
from persistence import tables as t
from persistence.database import TenantScoped
from persistence.paging import keyset


def _blog(row: Any) -> Blog:
    return Blog(
        id=row.id,
        tenant_id=row.tenant_id,
        slug=row.slug,
        title=row.title,
        description=row.description,
        language=row.language,
        comment_policy=CommentPolicy(row.comment_policy) if row.comment_policy else None,
        status=BlogStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlBlogRepository(TenantScoped):
    def _scoped(self) -> sa.ColumnElement[bool]:
        return t.blogs.c.tenant_id == self.tenant_id

    async def get(self, blog_id: UUID) -> Blog | None:
        row = (
            await self.conn.execute(
                sa.select(t.blogs).where(self._scoped(), t.blogs.c.id == blog_id)
            )
        ).first()
        return _blog(row) if row else None

    async def by_slug(self, slug: str) -> Blog | None:
        row = (
            await self.conn.execute(
                sa.select(t.blogs).where(self._scoped(), t.blogs.c.slug == slug)
            )
        ).first()
        return _blog(row) if row else None

    async def slug_taken(self, slug: str) -> bool:
        return await self.by_slug(slug) is not None

    async def add(self, blog: Blog) -> None:
        values = asdict(blog)
        values["status"] = blog.status.value
        values["comment_policy"] = blog.comment_policy.value if blog.comment_policy else None
        await self.conn.execute(t.blogs.insert().values(**values))

    async def update(self, blog: Blog) -> None:
        await self.conn.execute(
            t.blogs.update()
            .where(self._scoped(), t.blogs.c.id == blog.id)
            .values(
                slug=blog.slug,
                title=blog.title,
                description=blog.description,
                language=blog.language,
                comment_policy=blog.comment_policy.value if blog.comment_policy else None,
                status=blog.status.value,
                updated_at=blog.updated_at,
            )
        )

    async def page(self, *, after: tuple[datetime, UUID] | None, limit: int) -> list[Blog]:
        b = t.blogs
        query = keyset(
            sa.select(b).where(self._scoped()),
            b.c.created_at,
            b.c.id,
            after,
            limit,
            newest_first=False,
        )
        return [_blog(r) for r in await self.conn.execute(query)]

    async def authors(self, blog_id: UUID) -> list[tuple[UUID, BlogRole]]:
        a = t.blog_authors
        rows = await self.conn.execute(
            sa.select(a.c.user_id, a.c.role)
            .where(a.c.tenant_id == self.tenant_id, a.c.blog_id == blog_id)
            .order_by(a.c.created_at)
        )
        return [(r.user_id, BlogRole(r.role)) for r in rows]

    async def author_list(self, blog_id: UUID) -> list[BlogAuthor]:
        a, u = t.blog_authors, t.users
        rows = await self.conn.execute(
            sa.select(a.c.user_id, a.c.role, a.c.created_at, u.c.display_name)
            .join(u, u.c.id == a.c.user_id)
            .where(a.c.tenant_id == self.tenant_id, a.c.blog_id == blog_id)
            .order_by(a.c.created_at, a.c.user_id)
        )
        return [
            BlogAuthor(
                user_id=r.user_id,
                role=BlogRole(r.role),
                display_name=r.display_name,
                added_at=r.created_at,
            )
            for r in rows
        ]

    async def author_role(self, blog_id: UUID, user_id: UUID) -> BlogRole | None:
        a = t.blog_authors
        role = (
            await self.conn.execute(
                sa.select(a.c.role).where(
                    a.c.tenant_id == self.tenant_id, a.c.blog_id == blog_id, a.c.user_id == user_id
                )
            )
        ).scalar_one_or_none()
        return BlogRole(role) if role else None

    async def set_author(self, blog_id: UUID, user_id: UUID, role: BlogRole) -> None:
        statement = pg_insert(t.blog_authors).values(
            tenant_id=self.tenant_id,
            blog_id=blog_id,
            user_id=user_id,
            role=role.value,
            created_at=sa.func.now(),
        )
        await self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "blog_id", "user_id"], set_={"role": role.value}
            )
        )

    async def remove_author(self, blog_id: UUID, user_id: UUID) -> bool:
        a = t.blog_authors
        result = await self.conn.execute(
            a.delete().where(
                a.c.tenant_id == self.tenant_id, a.c.blog_id == blog_id, a.c.user_id == user_id
            )
        )
        return bool(result.rowcount)
