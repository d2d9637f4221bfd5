"""Storage of the actions taken on insights: ambassadors (migration 0020), their
activity, and briefs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from domain.insights.model import AmbassadorFigures, Brief, BriefStatus, Person
from persistence.database import TenantScoped

_BRIEF_COLUMNS = (
    "id, topic, body, due_on, status, created_by, claimed_by, claimed_at, post_id, "
    "created_at, updated_at"
)


def _brief(r: Any) -> Brief:
    return Brief(
        r.id,
        r.topic,
        r.body,
        r.due_on,
        BriefStatus(r.status),
        r.created_by,
        r.claimed_by,
        r.claimed_at,
        r.post_id,
        r.created_at,
        r.updated_at,
    )


class SqlAmbassadorsRepository(TenantScoped):
    async def person(self, user_id: UUID) -> Person | None:
        sql = """
            SELECT u.id, u.display_name, u.handle, u.email,
                   (SELECT m.role FROM memberships m
                    WHERE m.tenant_id = :t AND m.user_id = u.id) AS role,
                   EXISTS (SELECT 1 FROM ambassadors a
                           WHERE a.tenant_id = :t AND a.user_id = u.id) AS ambassador
            FROM users u
            WHERE u.id = :u AND (
                EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = :t AND m.user_id = u.id)
                OR EXISTS (SELECT 1 FROM comments c
                           WHERE c.tenant_id = :t AND c.author_user_id = u.id)
                OR EXISTS (SELECT 1 FROM posts p WHERE p.tenant_id = :t AND p.author_id = u.id))
        """
        row = (await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "u": user_id})).first()
        if row is None:
            return None
        return Person(
            row.id, row.display_name, row.handle, row.email, row.role, bool(row.ambassador)
        )

    async def mark(self, user_id: UUID, by: UUID | None, at: datetime) -> bool:
        sql = """
            INSERT INTO ambassadors (tenant_id, user_id, marked_by, created_at)
            VALUES (:t, :u, :by, :at) ON CONFLICT DO NOTHING RETURNING user_id
        """
        params = {"t": self.tenant_id, "u": user_id, "by": by, "at": at}
        return (await self.conn.execute(sa.text(sql), params)).first() is not None

    async def unmark(self, user_id: UUID) -> bool:
        sql = "DELETE FROM ambassadors WHERE tenant_id = :t AND user_id = :u RETURNING user_id"
        params = {"t": self.tenant_id, "u": user_id}
        return (await self.conn.execute(sa.text(sql), params)).first() is not None

    async def ambassadors(self, start: datetime, end: datetime) -> list[AmbassadorFigures]:
        """One statement: each ambassador with their window's approved comments and
        published posts, and the briefs they hold and finished."""
        sql = """
            SELECT u.id, u.display_name, u.handle, a.created_at,
                   (SELECT m.role FROM memberships m
                    WHERE m.tenant_id = :t AND m.user_id = u.id) AS role,
                   (SELECT count(*) FROM comments c
                    WHERE c.tenant_id = :t AND c.author_user_id = u.id AND c.status = 'approved'
                      AND c.created_at >= :a AND c.created_at < :b) AS comments,
                   (SELECT count(*) FROM posts p
                    WHERE p.tenant_id = :t AND p.author_id = u.id AND p.deleted_at IS NULL
                      AND p.status IN ('published', 'scheduled')
                      AND p.published_at >= :a AND p.published_at < :b) AS posts,
                   (SELECT count(*) FROM briefs r
                    WHERE r.tenant_id = :t AND r.claimed_by = u.id AND r.status = 'claimed')
                       AS claimed,
                   (SELECT count(*) FROM briefs r
                    WHERE r.tenant_id = :t AND r.claimed_by = u.id AND r.status = 'done') AS done
            FROM ambassadors a JOIN users u ON u.id = a.user_id
            WHERE a.tenant_id = :t
            ORDER BY u.display_name COLLATE "C", u.id
        """
        rows = await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "a": start, "b": end})
        return [
            AmbassadorFigures(
                r.id,
                r.display_name,
                r.handle,
                r.role,
                r.created_at,
                int(r.comments),
                int(r.posts),
                int(r.claimed),
                int(r.done),
            )
            for r in rows
        ]

    async def activity(
        self, user_id: UUID, bounds: list[datetime], start: datetime, end: datetime
    ) -> dict[int, tuple[int, int]]:
        sql = """
            WITH c AS (
                SELECT width_bucket(c.created_at, CAST(:bounds AS timestamptz[])) AS i,
                       count(*) AS n
                FROM comments c
                WHERE c.tenant_id = :t AND c.author_user_id = :u AND c.status = 'approved'
                  AND c.created_at >= :a AND c.created_at < :b
                GROUP BY 1),
            p AS (
                SELECT width_bucket(p.published_at, CAST(:bounds AS timestamptz[])) AS i,
                       count(*) AS n
                FROM posts p
                WHERE p.tenant_id = :t AND p.author_id = :u AND p.deleted_at IS NULL
                  AND p.status IN ('published', 'scheduled')
                  AND p.published_at >= :a AND p.published_at < :b
                GROUP BY 1)
            SELECT coalesce(c.i, p.i) AS i, coalesce(c.n, 0) AS comments,
                   coalesce(p.n, 0) AS posts
            FROM c FULL JOIN p ON p.i = c.i
        """
        params = {"t": self.tenant_id, "u": user_id, "bounds": bounds, "a": start, "b": end}
        return {
            int(r.i): (int(r.comments), int(r.posts))
            for r in await self.conn.execute(sa.text(sql), params)
        }

    async def add_brief(self, brief: Brief) -> None:
        sql = f"""
            INSERT INTO briefs (tenant_id, {_BRIEF_COLUMNS})
            VALUES (:t, :id, :topic, :body, :due_on, :status, :created_by, :claimed_by,
                    :claimed_at, :post_id, :created_at, :updated_at)
        """
        await self.conn.execute(sa.text(sql), self._brief_params(brief))

    def _brief_params(self, b: Brief) -> dict[str, Any]:
        return {
            "t": self.tenant_id,
            "id": b.id,
            "topic": b.topic,
            "body": b.body,
            "due_on": b.due_on,
            "status": b.status.value,
            "created_by": b.created_by,
            "claimed_by": b.claimed_by,
            "claimed_at": b.claimed_at,
            "post_id": b.post_id,
            "created_at": b.created_at,
            "updated_at": b.updated_at,
        }

    async def brief(self, brief_id: UUID, *, lock: bool = False) -> Brief | None:
        sql = f"SELECT {_BRIEF_COLUMNS} FROM briefs WHERE tenant_id = :t AND id = :id"
        if lock:
            sql += " FOR UPDATE"
        row = (await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "id": brief_id})).first()
        return _brief(row) if row else None

    async def briefs(self) -> list[Brief]:
        sql = f"""
            SELECT {_BRIEF_COLUMNS} FROM briefs WHERE tenant_id = :t
            ORDER BY (status = 'done'), due_on, id LIMIT 500
        """
        return [_brief(r) for r in await self.conn.execute(sa.text(sql), {"t": self.tenant_id})]

    async def save_brief(self, brief: Brief) -> None:
        sql = """
            UPDATE briefs SET status = :status, claimed_by = :claimed_by,
                   claimed_at = :claimed_at, post_id = :post_id, updated_at = :updated_at
            WHERE tenant_id = :t AND id = :id
        """
        await self.conn.execute(sa.text(sql), self._brief_params(brief))

    async def post_author(self, post_id: UUID) -> UUID | None:
        sql = "SELECT author_id FROM posts WHERE tenant_id = :t AND id = :p AND deleted_at IS NULL"
        row = (await self.conn.execute(sa.text(sql), {"t": self.tenant_id, "p": post_id})).first()
        return row.author_id if row else None
