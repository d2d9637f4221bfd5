"""Comments and reader reports: tables (mirroring migrations 0007 and 0009) and the
comments' repository. The post's comment counter changes here, in the caller's
transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.comments.model import Comment, CommentStatus, HoldReason, Report, Standing
from domain.comments.ports import PostTarget
from domain.tenants.model import CommentPolicy
from persistence import tables as t
from persistence.database import TenantScoped
from persistence.paging import keyset

U = PgUUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


comments = sa.Table(
    "comments",
    t.metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("post_id", U, nullable=False),
    sa.Column("parent_id", U),
    sa.Column("root_id", U, nullable=False),
    sa.Column("depth", sa.SmallInteger, nullable=False),
    sa.Column("author_user_id", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("author_name", sa.String(80), nullable=False),
    sa.Column("author_email", sa.String(254)),
    sa.Column("author_url", sa.String(300)),
    sa.Column("body_markdown", sa.Text, nullable=False),
    sa.Column("body_html", sa.Text, nullable=False),
    sa.Column("body_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_before", sa.String(20)),
    sa.Column("held_reason", sa.String(20)),
    sa.Column("ip_hash", sa.LargeBinary(32)),
    _ts("created_at", False),
    _ts("updated_at", False),
    _ts("edited_at"),
    _ts("deleted_at"),
    _ts("moderated_at"),
    sa.Column("moderated_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("sentiment", sa.String(8)),
    _ts("first_moderated_at"),
    _ts("pinned_at"),
    sa.Column("pinned_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("staff", sa.Boolean, nullable=False, server_default=sa.false()),
    # Where the comment came from (migration 0025): this API, a fediverse reply, a
    # webmention; for remote ones, the remote object's id and its author's profile.
    sa.Column("source", sa.String(20), nullable=False, server_default="web"),
    sa.Column("remote_id", sa.String(2000)),
    sa.Column("remote_actor", sa.String(2000)),
    sa.Column("author_handle", sa.String(300)),
    sa.Column("author_avatar", sa.String(2000)),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
    sa.ForeignKeyConstraint(
        ["tenant_id", "parent_id"], ["comments.tenant_id", "comments.id"], ondelete="CASCADE"
    ),
    sa.Index(
        "comments_post_top",
        "tenant_id",
        "post_id",
        "created_at",
        "id",
        postgresql_where=sa.text("parent_id IS NULL"),
    ),
    sa.Index("comments_root", "tenant_id", "root_id", "created_at"),
    sa.Index(
        "comments_queue", "tenant_id", "status", sa.text("created_at DESC"), sa.text("id DESC")
    ),
    sa.Index("comments_recent", "tenant_id", sa.text("created_at DESC"), sa.text("id DESC")),
    sa.Index("comments_body_hash", "tenant_id", "body_hash", "created_at"),
    sa.Index("comments_author", "tenant_id", "author_user_id", "created_at"),
    sa.Index(
        "comments_remote_id",
        "tenant_id",
        "remote_id",
        unique=True,
        postgresql_where=sa.text("remote_id IS NOT NULL"),
    ),
    sa.Index(
        "comments_remote_actor",
        "tenant_id",
        "remote_actor",
        postgresql_where=sa.text("remote_actor IS NOT NULL"),
    ),
    sa.Index(
        "comments_first_moderated",
        "tenant_id",
        "first_moderated_at",
        postgresql_where=sa.text("first_moderated_at IS NOT NULL"),
    ),
    sa.Index(
        "comments_pinned_one",
        "tenant_id",
        "post_id",
        unique=True,
        postgresql_where=sa.text("pinned_at IS NOT NULL"),
    ),
)

comment_reports = sa.Table(
    "comment_reports",
    t.metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("comment_id", U, primary_key=True),
    sa.Column("reporter_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("note", sa.String(500), nullable=False, server_default=""),
    _ts("created_at", False),
    _ts("dismissed_at"),
    sa.ForeignKeyConstraint(
        ["tenant_id", "comment_id"], ["comments.tenant_id", "comments.id"], ondelete="CASCADE"
    ),
    sa.Index("comment_reports_recent", "tenant_id", "created_at"),
)

# Moderators' standing for a commenter in the tenant, read by the comment policy.
commenter_standings = sa.Table(
    "commenter_standings",
    t.metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("standing", sa.String(10)),
    sa.Column("note", sa.String(1000), nullable=False, server_default=""),
    sa.Column("updated_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    _ts("updated_at", False),
    sa.CheckConstraint(
        "standing IS NULL OR standing IN ('trusted','banned')",
        name="commenter_standings_standing",
    ),
)

_c, _r, _p = comments, comment_reports, t.posts
# Built once: an alias made per call rebuilds every column proxy and defeats the
# statement cache (a sizeable share of a comment page's CPU time).
_replies = comments.alias("replies")

# Open reports per comment, as a correlated count for the moderators' views.
_OPEN_REPORTS = (
    sa.select(sa.func.count())
    .where(
        _r.c.tenant_id == _c.c.tenant_id,
        _r.c.comment_id == _c.c.id,
        _r.c.dismissed_at.is_(None),
    )
    .correlate(_c)
    .scalar_subquery()
    .label("open_reports")
)


# Whether the comment's signed-in author is one of the tenant's ambassadors (the public
# thread badges them); one primary-key probe per comment shown.
_AMBASSADOR = (
    sa.exists()
    .where(
        t.ambassadors.c.tenant_id == _c.c.tenant_id,
        t.ambassadors.c.user_id == _c.c.author_user_id,
    )
    .label("ambassador")
)


def comment_of(row: Any) -> Comment:
    m = row._mapping
    return Comment(
        id=row.id,
        tenant_id=row.tenant_id,
        post_id=row.post_id,
        parent_id=row.parent_id,
        root_id=row.root_id,
        depth=row.depth,
        author_user_id=row.author_user_id,
        author_name=row.author_name,
        author_email=row.author_email,
        author_url=row.author_url,
        body_markdown=row.body_markdown,
        body_html=row.body_html,
        body_hash=bytes(row.body_hash),
        status=CommentStatus(row.status),
        held_reason=HoldReason(row.held_reason) if row.held_reason else None,
        ip_hash=bytes(row.ip_hash) if row.ip_hash is not None else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
        status_before=CommentStatus(row.status_before) if row.status_before else None,
        edited_at=row.edited_at,
        deleted_at=row.deleted_at,
        moderated_at=row.moderated_at,
        moderated_by=row.moderated_by,
        open_reports=int(m.get("open_reports") or 0),
        post_author_id=m.get("post_author_id"),
        blog_id=m.get("blog_id"),
        language=m.get("language"),
        sentiment=m.get("sentiment"),
        first_moderated_at=m.get("first_moderated_at"),
        pinned_at=m.get("pinned_at"),
        pinned_by=m.get("pinned_by"),
        staff=bool(m.get("staff")),
        source=m.get("source") or "web",
        author_handle=m.get("author_handle"),
        author_avatar=m.get("author_avatar"),
        ambassador=bool(m.get("ambassador")),
    )


def _values(comment: Comment) -> dict[str, Any]:
    return {
        "tenant_id": comment.tenant_id,
        "id": comment.id,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "root_id": comment.root_id,
        "depth": comment.depth,
        "author_user_id": comment.author_user_id,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "body_markdown": comment.body_markdown,
        "body_html": comment.body_html,
        "body_hash": comment.body_hash,
        "status": comment.status.value,
        "status_before": comment.status_before.value if comment.status_before else None,
        "held_reason": comment.held_reason.value if comment.held_reason else None,
        "ip_hash": comment.ip_hash,
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "edited_at": comment.edited_at,
        "deleted_at": comment.deleted_at,
        "moderated_at": comment.moderated_at,
        "moderated_by": comment.moderated_by,
        "sentiment": comment.sentiment,
        "first_moderated_at": comment.first_moderated_at,
        "pinned_at": comment.pinned_at,
        "pinned_by": comment.pinned_by,
        "staff": comment.staff,
        "source": comment.source,
        "author_handle": comment.author_handle,
        "author_avatar": comment.author_avatar,
    }


def with_post(*, language: bool = False) -> sa.Select[Any]:
    """Comments with their post's author and blog and their open reports (and with
    ``language``, the blog's language)."""
    query = sa.select(
        _c, _p.c.author_id.label("post_author_id"), _p.c.blog_id.label("blog_id"), _OPEN_REPORTS
    ).join(_p, sa.and_(_p.c.tenant_id == _c.c.tenant_id, _p.c.id == _c.c.post_id))
    if language:
        b = t.blogs
        query = query.add_columns(b.c.language.label("language")).join(
            b, sa.and_(b.c.tenant_id == _p.c.tenant_id, b.c.id == _p.c.blog_id)
        )
    return query


class SqlCommentRepository(TenantScoped):
    async def post_target(self, post_id: UUID, *, lock: bool = False) -> PostTarget | None:
        b = t.blogs
        query = (
            sa.select(
                _p.c.id,
                _p.c.blog_id,
                _p.c.author_id,
                _p.c.status,
                _p.c.published_at,
                _p.c.deleted_at,
                b.c.comment_policy,
                b.c.language,
            )
            .join(b, sa.and_(b.c.tenant_id == _p.c.tenant_id, b.c.id == _p.c.blog_id))
            .where(_p.c.tenant_id == self.tenant_id, _p.c.id == post_id)
        )
        if lock:
            # FOR NO KEY UPDATE OF posts: serialises votes, lets comment inserts (which
            # only need a key-share lock for their foreign key) go on.
            query = query.with_for_update(key_share=True, of=_p)
        row = (await self.conn.execute(query)).first()
        if row is None:
            return None
        return PostTarget(
            id=row.id,
            blog_id=row.blog_id,
            author_id=row.author_id,
            status=row.status,
            published_at=row.published_at,
            deleted_at=row.deleted_at,
            blog_policy=CommentPolicy(row.comment_policy) if row.comment_policy else None,
            language=row.language,
        )

    async def get(self, comment_id: UUID, *, lock: bool = False) -> Comment | None:
        found = await self.get_many([comment_id], lock=lock)
        return found[0] if found else None

    async def get_many(self, comment_ids: list[UUID], *, lock: bool = False) -> list[Comment]:
        if not comment_ids:
            return []
        query = (
            with_post(language=True)
            .where(_c.c.tenant_id == self.tenant_id, _c.c.id.in_(comment_ids))
            .order_by(_c.c.id)
        )
        if lock:
            query = query.with_for_update(of=_c)
        return [comment_of(r) for r in await self.conn.execute(query)]

    async def add(self, comment: Comment) -> None:
        await self.conn.execute(_c.insert().values(**_values(comment)))

    async def update(self, comment: Comment) -> None:
        values = _values(comment)
        for key in ("tenant_id", "id", "post_id", "parent_id", "root_id", "depth", "created_at"):
            values.pop(key)
        await self.conn.execute(
            _c.update()
            .where(_c.c.tenant_id == self.tenant_id, _c.c.id == comment.id)
            .values(**values)
        )

    async def repeated(
        self, body_hash: bytes, *, user_id: UUID | None, ip_hash: bytes | None, since: datetime
    ) -> bool:
        same_source = []
        if user_id is not None:
            same_source.append(_c.c.author_user_id == user_id)
        if ip_hash is not None:
            same_source.append(_c.c.ip_hash == ip_hash)
        if not same_source:
            return False
        query = sa.select(
            sa.exists().where(
                _c.c.tenant_id == self.tenant_id,
                _c.c.body_hash == body_hash,
                _c.c.created_at >= since,
                sa.or_(*same_source),
            )
        )
        return bool((await self.conn.execute(query)).scalar_one())

    async def standing_of(self, user_id: UUID) -> Standing | None:
        query = sa.select(commenter_standings.c.standing).where(
            commenter_standings.c.tenant_id == self.tenant_id,
            commenter_standings.c.user_id == user_id,
        )
        found = (await self.conn.execute(query)).scalar_one_or_none()
        return Standing(found) if found else None

    async def add_to_comment_count(self, post_id: UUID, delta: int) -> None:
        # A relative update re-reads the row under its lock: concurrent changes add up.
        await self.conn.execute(
            _p.update()
            .where(_p.c.tenant_id == self.tenant_id, _p.c.id == post_id)
            .values(comment_count=_p.c.comment_count + delta)
        )

    async def add_report(self, report: Report) -> bool:
        result = await self.conn.execute(
            pg_insert(_r)
            .values(
                tenant_id=self.tenant_id,
                comment_id=report.comment_id,
                reporter_id=report.reporter_id,
                reason=report.reason.value,
                note=report.note,
                created_at=report.created_at,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "comment_id", "reporter_id"])
        )
        return bool(result.rowcount)

    async def open_reports(self, comment_id: UUID) -> int:
        query = (
            sa.select(sa.func.count())
            .select_from(_r)
            .where(
                _r.c.tenant_id == self.tenant_id,
                _r.c.comment_id == comment_id,
                _r.c.dismissed_at.is_(None),
            )
        )
        return int((await self.conn.execute(query)).scalar_one())

    async def top_level(
        self,
        post_id: UUID,
        *,
        viewer_id: UUID | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[Comment]:
        has_visible_reply = sa.exists().where(
            _replies.c.tenant_id == _c.c.tenant_id,
            _replies.c.root_id == _c.c.id,
            _replies.c.id != _c.c.id,
            _replies.c.status == CommentStatus.APPROVED.value,
        )
        shown = [_c.c.status == CommentStatus.APPROVED.value, has_visible_reply]
        if viewer_id is not None:
            held = (CommentStatus.PENDING.value, CommentStatus.SPAM.value)
            shown.append(sa.and_(_c.c.author_user_id == viewer_id, _c.c.status.in_(held)))
        # The pinned comment is listed before the first page (``pinned``), never in
        # the pages, so that a cursor neither skips nor repeats it.
        pinned = sa.and_(_c.c.pinned_at.is_not(None), _c.c.status == CommentStatus.APPROVED.value)
        query = sa.select(_c, _AMBASSADOR).where(
            _c.c.tenant_id == self.tenant_id,
            _c.c.post_id == post_id,
            _c.c.parent_id.is_(None),
            sa.or_(*shown),
            sa.not_(pinned),
        )
        query = keyset(query, _c.c.created_at, _c.c.id, after, limit, newest_first=False)
        return [comment_of(r) for r in await self.conn.execute(query)]

    async def pinned(self, post_id: UUID) -> Comment | None:
        query = sa.select(_c, _AMBASSADOR).where(
            _c.c.tenant_id == self.tenant_id,
            _c.c.post_id == post_id,
            _c.c.parent_id.is_(None),
            _c.c.pinned_at.is_not(None),
            _c.c.status == CommentStatus.APPROVED.value,
        )
        row = (await self.conn.execute(query)).first()
        return comment_of(row) if row is not None else None

    async def pinned_ids(self, post_id: UUID) -> list[UUID]:
        """Every comment of the post marked pinned, visible or not."""
        query = sa.select(_c.c.id).where(
            _c.c.tenant_id == self.tenant_id,
            _c.c.post_id == post_id,
            _c.c.pinned_at.is_not(None),
        )
        return list((await self.conn.execute(query)).scalars())

    async def replies(self, root_ids: list[UUID]) -> list[Comment]:
        query = (
            sa.select(_c, _AMBASSADOR)
            .where(
                _c.c.tenant_id == self.tenant_id,
                _c.c.root_id.in_(root_ids),
                _c.c.parent_id.is_not(None),
            )
            .order_by(_c.c.created_at, _c.c.id)
        )
        return [comment_of(r) for r in await self.conn.execute(query)]
