"""Exports and readers' data: the export rows, the tenant's snapshot, and what a reader
left in a tenant (read or erased).

Every statement names the transaction's tenant (``:t``) on top of row-level security.
The snapshot reads each table once, in the caller's transaction, into plain JSON-ready
values; what never leaves the database (password hashes, hashed client addresses,
voter tokens, webhook secrets) is not selected at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from domain.portability.model import Erasure, Export, ExportStatus
from persistence import jobs
from persistence import tables as t
from persistence.database import TenantScoped

_e = t.tenant_exports
_EXPORT_COLUMNS = [c for c in _e.c if c.name != "archive"]


def plain(value: Any) -> Any:
    """A value as JSON has it: ids and times as strings, lists and dicts kept."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _export(row: Any) -> Export:
    return Export(
        id=row.id,
        tenant_id=row.tenant_id,
        status=ExportStatus(row.status),
        requested_by=row.requested_by,
        format_version=row.format_version,
        items_done=row.items_done,
        items_total=row.items_total,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        expires_at=row.expires_at,
    )


# The tenant's snapshot: (key, SQL). Each reads one table (or a table and a lookup).
_SNAPSHOT: list[tuple[str, str]] = [
    (
        "tenant",
        "SELECT id, slug, name, status, default_language, branding, settings, created_at,"
        " updated_at FROM tenants WHERE id = :t",
    ),
    ("domains", "SELECT host, created_at FROM tenant_domains WHERE tenant_id = :t ORDER BY host"),
    (
        "subscription",
        "SELECT plan_id, status, current_period_end, created_at, updated_at"
        " FROM subscriptions WHERE tenant_id = :t",
    ),
    (
        "members",
        "SELECT u.id, u.email, u.display_name, u.handle, m.role, m.created_at AS joined_at"
        " FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.tenant_id = :t ORDER BY m.created_at, u.id",
    ),
    (
        "blogs",
        "SELECT id, slug, title, description, language, comment_policy, status, created_at,"
        " updated_at, COALESCE((SELECT json_agg(json_build_object('user_id', a.user_id,"
        " 'role', a.role) ORDER BY a.created_at, a.user_id) FROM blog_authors a"
        " WHERE a.tenant_id = b.tenant_id AND a.blog_id = b.id), '[]') AS authors"
        " FROM blogs b WHERE tenant_id = :t ORDER BY created_at, id",
    ),
    ("tags", "SELECT slug, name, created_at FROM tags WHERE tenant_id = :t ORDER BY slug"),
    (
        "posts",
        "SELECT p.id, p.blog_id, b.slug AS blog_slug, p.author_id, p.slug, p.title, p.excerpt,"
        " p.body_markdown, p.body_html, p.cover_image_url, p.language, p.status,"
        " p.published_at, p.deleted_at, p.version, p.tag_names AS tags, p.comment_count,"
        " json_build_object('count', p.rating_count, 'sum', p.rating_sum,"
        " 'histogram', p.rating_histogram) AS rating,"
        " COALESCE((SELECT array_agg(s.slug ORDER BY s.created_at) FROM post_slugs s"
        " WHERE s.tenant_id = p.tenant_id AND s.post_id = p.id AND s.slug <> p.slug),"
        " '{}') AS old_slugs, p.created_at, p.updated_at"
        " FROM posts p JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id"
        " WHERE p.tenant_id = :t ORDER BY p.created_at, p.id",
    ),
    (
        "revisions",
        "SELECT id, post_id, version, title, excerpt, body_markdown, cover_image_url,"
        " tag_names AS tags, status, published_at, saved_by, created_at"
        " FROM post_revisions WHERE tenant_id = :t ORDER BY post_id, version",
    ),
    (
        "comments",
        "SELECT id, post_id, parent_id, depth, author_user_id, author_name, author_email,"
        " author_url, body_markdown, body_html, status, held_reason, staff, sentiment,"
        " pinned_at, created_at, updated_at, edited_at, deleted_at, moderated_at,"
        " moderated_by FROM comments WHERE tenant_id = :t ORDER BY created_at, id",
    ),
    (
        "redirects",
        "SELECT path, post_id, created_at FROM redirects WHERE tenant_id = :t ORDER BY path",
    ),
    (
        "commenter_standings",
        "SELECT s.user_id, u.display_name, s.standing, s.note, s.updated_by, s.updated_at"
        " FROM commenter_standings s JOIN users u ON u.id = s.user_id"
        " WHERE s.tenant_id = :t ORDER BY s.updated_at, s.user_id",
    ),
    (
        "ambassadors",
        "SELECT user_id, marked_by, created_at FROM ambassadors WHERE tenant_id = :t"
        " ORDER BY created_at, user_id",
    ),
]
_SINGLE = {"tenant", "subscription"}

_COUNT_ITEMS = sa.text(
    "SELECT (SELECT count(*) FROM blogs WHERE tenant_id = :t)"
    " + (SELECT count(*) FROM posts WHERE tenant_id = :t)"
    " + (SELECT count(*) FROM post_revisions WHERE tenant_id = :t)"
    " + (SELECT count(*) FROM comments WHERE tenant_id = :t)"
    " + (SELECT count(*) FROM memberships WHERE tenant_id = :t)"
)

# A reader's data in the tenant: (key, SQL), with :t and :u.
_READER: list[tuple[str, str]] = [
    (
        "profile",
        "SELECT u.id, u.email, u.display_name, u.handle, u.created_at, m.role,"
        " m.created_at AS joined_at FROM users u JOIN memberships m"
        " ON m.user_id = u.id AND m.tenant_id = :t WHERE u.id = :u",
    ),
    (
        "comments",
        "SELECT c.id, c.post_id, p.title AS post_title, c.parent_id, c.author_name,"
        " c.author_email, c.author_url, c.body_markdown, c.status, c.held_reason,"
        " c.sentiment, c.created_at, c.edited_at, c.deleted_at"
        " FROM comments c JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id"
        " WHERE c.tenant_id = :t AND c.author_user_id = :u ORDER BY c.created_at, c.id",
    ),
    (
        "ratings",
        "SELECT r.post_id, p.title AS post_title, r.stars, r.created_at, r.updated_at"
        " FROM ratings r JOIN posts p ON p.tenant_id = r.tenant_id AND p.id = r.post_id"
        " WHERE r.tenant_id = :t AND r.user_id = :u ORDER BY r.created_at, r.id",
    ),
    (
        "reports",
        "SELECT comment_id, reason, note, created_at, dismissed_at FROM comment_reports"
        " WHERE tenant_id = :t AND reporter_id = :u ORDER BY created_at, comment_id",
    ),
    (
        "standing",
        "SELECT standing, note, updated_at FROM commenter_standings"
        " WHERE tenant_id = :t AND user_id = :u",
    ),
    (
        "ambassador",
        "SELECT created_at AS marked_at FROM ambassadors WHERE tenant_id = :t AND user_id = :u",
    ),
    (
        "audit",
        "SELECT action, target_type, target_id, created_at,"
        " (actor_user_id = :u) AS by_this_person FROM audit_log"
        " WHERE tenant_id = :t AND (actor_user_id = :u OR target_id = CAST(:u AS text))"
        " ORDER BY created_at, id",
    ),
]
_READER_SINGLE = {"profile", "standing", "ambassador"}


class SqlPortabilityRepository(TenantScoped):
    async def _rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        result = await self.conn.execute(sa.text(sql), {"t": self.tenant_id, **params})
        return [{k: plain(v) for k, v in row.items()} for row in result.mappings()]

    # --- export rows ---------------------------------------------------------------------

    async def add_export(self, export: Export) -> None:
        await self.conn.execute(
            _e.insert().values(
                tenant_id=self.tenant_id,
                id=export.id,
                status=export.status.value,
                requested_by=export.requested_by,
                format_version=export.format_version,
                created_at=export.created_at,
            )
        )

    async def export(self, export_id: UUID) -> Export | None:
        query = sa.select(*_EXPORT_COLUMNS).where(
            _e.c.tenant_id == self.tenant_id, _e.c.id == export_id
        )
        row = (await self.conn.execute(query)).first()
        return _export(row) if row is not None else None

    async def exports(self, limit: int) -> list[Export]:
        query = (
            sa.select(*_EXPORT_COLUMNS)
            .where(_e.c.tenant_id == self.tenant_id)
            .order_by(_e.c.created_at.desc(), _e.c.id.desc())
            .limit(limit)
        )
        return [_export(row) for row in await self.conn.execute(query)]

    async def active_export(self) -> Export | None:
        query = sa.select(*_EXPORT_COLUMNS).where(
            _e.c.tenant_id == self.tenant_id, _e.c.status.in_(("queued", "running"))
        )
        row = (await self.conn.execute(query)).first()
        return _export(row) if row is not None else None

    async def enqueue_export(self, export_id: UUID) -> None:
        assert self.tenant_id is not None
        raw = (await self.conn.get_raw_connection()).driver_connection
        await jobs.enqueue_export(raw, self.tenant_id, export_id)

    async def start_export(self, export_id: UUID, at: datetime) -> Export | None:
        total = (await self.conn.execute(_COUNT_ITEMS, {"t": self.tenant_id})).scalar_one()
        updated = await self.conn.execute(
            _e.update()
            # ``running``: the job is run again because its worker died; start afresh.
            .where(
                _e.c.tenant_id == self.tenant_id,
                _e.c.id == export_id,
                _e.c.status.in_(("queued", "running")),
            )
            .values(status="running", started_at=at, items_total=int(total))
            .returning(*_EXPORT_COLUMNS)
        )
        row = updated.first()
        return _export(row) if row is not None else None

    async def finish_export(
        self, export_id: UUID, archive: bytes, sha256: str, at: datetime, expires_at: datetime
    ) -> None:
        await self.conn.execute(
            _e.update()
            .where(_e.c.tenant_id == self.tenant_id, _e.c.id == export_id)
            .values(
                status="ready",
                archive=archive,
                sha256=sha256,
                size_bytes=len(archive),
                items_done=_e.c.items_total,
                finished_at=at,
                expires_at=expires_at,
            )
        )

    async def fail_export(self, export_id: UUID, error: str, at: datetime) -> None:
        await self.conn.execute(
            _e.update()
            .where(_e.c.tenant_id == self.tenant_id, _e.c.id == export_id)
            .values(status="failed", error=error, finished_at=at, archive=None)
        )

    async def expire_exports(self, now: datetime) -> int:
        """Archives past their time lose their bytes (the row stays, as history)."""
        result = await self.conn.execute(
            _e.update()
            .where(
                _e.c.tenant_id == self.tenant_id,
                _e.c.status == "ready",
                _e.c.expires_at <= now,
            )
            .values(status="expired", archive=None)
        )
        return int(result.rowcount or 0)

    async def archive(self, export_id: UUID) -> bytes | None:
        query = sa.select(_e.c.archive).where(
            _e.c.tenant_id == self.tenant_id, _e.c.id == export_id
        )
        value = (await self.conn.execute(query)).scalar_one_or_none()
        return bytes(value) if value is not None else None

    # --- the tenant's snapshot ------------------------------------------------------------

    async def snapshot(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for key, sql in _SNAPSHOT:
            rows = await self._rows(sql)
            document[key] = (rows[0] if rows else None) if key in _SINGLE else rows
        return document

    # --- a reader's data -------------------------------------------------------------------

    async def reader_data(self, user_id: UUID) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for key, sql in _READER:
            rows = await self._rows(sql, u=user_id)
            document[key] = (rows[0] if rows else None) if key in _READER_SINGLE else rows
        return document

    async def erase_reader(self, user_id: UUID, erased_name: str) -> Erasure:
        params = {"t": self.tenant_id, "u": user_id}
        # The votes first, each subtracted from its post's summary in the same statement:
        # the summaries then count exactly the votes that remain.
        removed = (await self.conn.execute(sa.text(_REMOVE_RATINGS), params)).scalar_one()
        comments = await self.conn.execute(
            sa.text(
                "UPDATE comments SET author_user_id = NULL, author_name = :name,"
                " author_email = NULL, author_url = NULL, ip_hash = NULL"
                " WHERE tenant_id = :t AND author_user_id = :u"
            ),
            {**params, "name": erased_name},
        )
        reports = await self.conn.execute(
            sa.text("DELETE FROM comment_reports WHERE tenant_id = :t AND reporter_id = :u"),
            params,
        )
        # The insights' "who was active" rows name a member by their id ('u' || id).
        await self.conn.execute(
            sa.text(
                "DELETE FROM insight_presence WHERE tenant_id = :t"
                " AND person = '\\x75'::bytea || uuid_send(CAST(:u AS uuid))"
            ),
            params,
        )
        for table in ("commenter_standings", "ambassadors", "memberships"):
            await self.conn.execute(
                sa.text(f"DELETE FROM {table} WHERE tenant_id = :t AND user_id = :u"),  # noqa: S608
                params,
            )
        return Erasure(
            user_id=user_id,
            comments_anonymised=int(comments.rowcount or 0),
            ratings_removed=int(removed),
            reports_removed=int(reports.rowcount or 0),
        )


# One statement: delete the person's votes, then take each from its post's counters
# (the histogram slot of its stars included). Posts are updated in id order.
_REMOVE_RATINGS = """
WITH gone AS (
    DELETE FROM ratings WHERE tenant_id = :t AND user_id = :u RETURNING post_id, stars
), per_post AS (
    SELECT post_id, count(*) AS n, sum(stars) AS total,
           ARRAY[count(*) FILTER (WHERE stars = 1), count(*) FILTER (WHERE stars = 2),
                 count(*) FILTER (WHERE stars = 3), count(*) FILTER (WHERE stars = 4),
                 count(*) FILTER (WHERE stars = 5)]::int[] AS h
    FROM gone GROUP BY post_id
), changed AS (
    UPDATE posts p SET rating_count = p.rating_count - pp.n,
        rating_sum = p.rating_sum - pp.total,
        rating_histogram = ARRAY[p.rating_histogram[1] - pp.h[1], p.rating_histogram[2] - pp.h[2],
            p.rating_histogram[3] - pp.h[3], p.rating_histogram[4] - pp.h[4],
            p.rating_histogram[5] - pp.h[5]]
    FROM per_post pp WHERE p.tenant_id = :t AND p.id = pp.post_id
    RETURNING p.id
)
SELECT (SELECT count(*) FROM gone) AS removed
"""
