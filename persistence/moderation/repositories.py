"""The moderators' reads and report bookkeeping over the comments' tables."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.comments.model import (
    Comment,
    CommentStatus,
    HoldReason,
    Report,
    ReportReason,
    Standing,
)
from domain.moderation.model import CommenterProfile, QueueFilter
from persistence import tables as t
from persistence.comments.repositories import (
    comment_of,
    comment_reports,
    commenter_standings,
    comments,
    with_post,
)
from persistence.database import TenantScoped
from persistence.paging import keyset

_c, _r, _p = comments, comment_reports, t.posts


def _folded(value: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.unaccent(sa.func.lower(value))


def _text_matches(text: str) -> sa.ColumnElement[bool]:
    """Every word is in the comment's text or its author's name, ignoring case and accents.

    A substring match (the queue is one tenant's recent comments, read a page at a time):
    LIKE's own wildcards in the words are escaped, so they match themselves.
    """
    clauses = []
    for word in text.split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = _folded(sa.literal(f"%{escaped}%"))
        clauses.append(
            sa.or_(
                _folded(_c.c.body_markdown).like(pattern, escape="\\"),
                _folded(_c.c.author_name).like(pattern, escape="\\"),
            )
        )
    return sa.and_(sa.true(), *clauses)


# One statement for the commenter panel: who, since when, their comments by status,
# the reports on them, their standing, and whether they belong to the tenant at all.
_COMMENTER = sa.text(
    """
    SELECT u.display_name AS name,
           (SELECT min(c.created_at) FROM comments c
             WHERE c.tenant_id = :t AND c.author_user_id = u.id) AS first_seen,
           (SELECT coalesce(json_object_agg(s.status, s.n), '{}'::json) FROM
              (SELECT c.status, count(*) AS n FROM comments c
                WHERE c.tenant_id = :t AND c.author_user_id = u.id GROUP BY c.status) s
           ) AS by_status,
           (SELECT count(*) FROM comment_reports r
              JOIN comments c ON c.tenant_id = r.tenant_id AND c.id = r.comment_id
             WHERE c.tenant_id = :t AND c.author_user_id = u.id) AS reports,
           st.standing, st.note, st.updated_at,
           EXISTS (SELECT 1 FROM memberships m
                    WHERE m.tenant_id = :t AND m.user_id = u.id) AS member
      FROM users u
      LEFT JOIN commenter_standings st ON st.tenant_id = :t AND st.user_id = u.id
     WHERE u.id = :u
    """
)


class SqlModerationRepository(TenantScoped):
    async def commenter(self, user_id: UUID) -> CommenterProfile | None:
        row = (
            await self.conn.execute(_COMMENTER, {"t": self.tenant_id, "u": user_id})
        ).one_or_none()
        if row is None or (not row.member and row.first_seen is None):
            return None
        return CommenterProfile(
            user_id=user_id,
            name=row.name,
            first_seen=row.first_seen,
            comments={str(k): int(v) for k, v in (row.by_status or {}).items()},
            reports_received=int(row.reports),
            standing=Standing(row.standing) if row.standing else None,
            note=row.note or "",
            standing_set_at=row.updated_at,
        )

    async def put_standing(
        self, user_id: UUID, standing: Standing | None, note: str, by: UUID | None, at: datetime
    ) -> None:
        values = {
            "standing": standing.value if standing else None,
            "note": note,
            "updated_by": by,
            "updated_at": at,
        }
        await self.conn.execute(
            pg_insert(commenter_standings)
            .values(tenant_id=self.tenant_id, user_id=user_id, **values)
            .on_conflict_do_update(
                index_elements=[commenter_standings.c.tenant_id, commenter_standings.c.user_id],
                set_=values,
            )
        )

    async def queue(
        self, where: QueueFilter, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Comment]:
        query = with_post().where(_c.c.tenant_id == self.tenant_id)
        if where.status is not None:
            query = query.where(_c.c.status == where.status.value)
        if where.blog_id is not None:
            query = query.where(_p.c.blog_id == where.blog_id)
        if where.post_id is not None:
            query = query.where(_c.c.post_id == where.post_id)
        if where.author_user_id is not None:
            query = query.where(_c.c.author_user_id == where.author_user_id)
        if where.post_author_id is not None:
            query = query.where(_p.c.author_id == where.post_author_id)
        if where.held_for_reports is not None:
            held = sa.and_(  # never NULL, so that its negation keeps unheld comments
                _c.c.status == CommentStatus.PENDING.value,
                _c.c.held_reason.is_not_distinct_from(HoldReason.REPORTS.value),
            )
            query = query.where(held if where.held_for_reports else sa.not_(held))
        if where.tone is not None:
            query = query.where(_c.c.sentiment == where.tone.value)
        if where.source is not None:
            query = query.where(_c.c.source == where.source)
        if where.text:
            query = query.where(_text_matches(where.text))
        query = keyset(query, _c.c.created_at, _c.c.id, after, limit, newest_first=True)
        return [comment_of(r) for r in await self.conn.execute(query)]

    async def counts(self, *, post_author_id: UUID | None) -> dict[str, int]:
        query = (
            sa.select(_c.c.status, sa.func.count())
            .select_from(_c)
            .where(_c.c.tenant_id == self.tenant_id)
            .group_by(_c.c.status)
        )
        reported = (
            sa.select(sa.func.count())
            .select_from(_c)
            .where(
                _c.c.tenant_id == self.tenant_id,
                _c.c.status == CommentStatus.PENDING.value,
                _c.c.held_reason == HoldReason.REPORTS.value,
            )
        )
        if post_author_id is not None:
            mine = sa.select(_p.c.id).where(
                _p.c.tenant_id == self.tenant_id, _p.c.author_id == post_author_id
            )
            query = query.where(_c.c.post_id.in_(mine))
            reported = reported.where(_c.c.post_id.in_(mine))
        out = {s.value: 0 for s in CommentStatus}
        for status, n in await self.conn.execute(query):
            out[status] = int(n)
        out["reported"] = int((await self.conn.execute(reported)).scalar_one())
        return out

    async def dismiss_reports(self, comment_ids: list[UUID], at: datetime) -> None:
        await self.conn.execute(
            _r.update()
            .where(
                _r.c.tenant_id == self.tenant_id,
                _r.c.comment_id.in_(comment_ids),
                _r.c.dismissed_at.is_(None),
            )
            .values(dismissed_at=at)
        )

    async def reports(self, comment_ids: list[UUID]) -> list[Report]:
        if not comment_ids:
            return []
        query = (
            sa.select(_r, t.users.c.display_name)
            .join(t.users, t.users.c.id == _r.c.reporter_id)
            .where(_r.c.tenant_id == self.tenant_id, _r.c.comment_id.in_(comment_ids))
            .order_by(_r.c.created_at, _r.c.reporter_id)
        )
        return [
            Report(
                comment_id=row.comment_id,
                reporter_id=row.reporter_id,
                reason=ReportReason(row.reason),
                note=row.note,
                created_at=row.created_at,
                dismissed_at=row.dismissed_at,
                reporter_name=row.display_name,
            )
            for row in await self.conn.execute(query)
        ]
