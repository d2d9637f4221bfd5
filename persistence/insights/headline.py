"""The headline figures of two adjacent periods in one statement.

Both periods are read together: the tenant's hourly roll-up from the previous period's
start to the current one's end (each sum split by ``FILTER``), people's first approved
comment from ``insight_people`` (one row per person, kept by the presence triggers of
migration 0032, read through its ``first_comment`` index), the first decisions of both periods through the
``comments_first_moderated`` index, and the queue at each period's end from the pending
comments (``comments_queue``) and the ones decided since (``comments_first_moderated``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain.insights.headline import PeriodFigures
from persistence.database import TenantScoped

_COMMENTS = (
    "h.comments_pending + h.comments_approved + h.comments_rejected + h.comments_spam"
    " + h.comments_deleted"
)
_MEDIAN = (
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
    " c.first_moderated_at - c.created_at)) FILTER (WHERE {cond})"
)
# Held at instant :{q}: pending now and written before it, or decided after it (having
# been held: a held reason is kept through decisions).
_QUEUE = """
    (SELECT count(*) FROM comments c WHERE c.tenant_id = :t AND c.status = 'pending'
       AND c.created_at < :{q})
  + (SELECT count(*) FROM comments c WHERE c.tenant_id = :t AND c.status <> 'pending'
       AND c.first_moderated_at >= :{q} AND c.created_at < :{q}
       AND c.held_reason IS NOT NULL)"""


def _sum(expression: str, cond: str) -> str:
    return f"coalesce(sum({expression}) FILTER (WHERE {cond}), 0)::bigint"


class HeadlineQueries(TenantScoped):
    async def headline(
        self,
        previous_start: datetime,
        start: datetime,
        end: datetime,
        queue_at_end: datetime,
        queue_at_start: datetime,
    ) -> tuple[PeriodFigures, PeriodFigures]:
        """The figures of ``[start, end)`` and of ``[previous_start, start)``; the queue
        at ``queue_at_end`` and ``queue_at_start`` (the periods' ends, or now)."""
        now, before = "h.hour >= :a", "h.hour < :a"
        columns = []
        for suffix, cond in (("now", now), ("before", before)):
            columns += [
                f"{_sum(_COMMENTS, cond)} AS comments_{suffix}",
                f"{_sum('h.reads', cond)} AS reads_{suffix}",
                f"{_sum('h.ratings', cond)} AS ratings_{suffix}",
                f"{_sum('h.rating_sum', cond)} AS rating_sum_{suffix}",
            ]
        sql = f"""
            WITH sums AS (
                SELECT {", ".join(columns)} FROM insight_tenant_hours h
                WHERE h.tenant_id = :t AND h.hour >= :pa AND h.hour < :b),
            newcomers AS (
                SELECT count(*) FILTER (WHERE f.first_comment >= :a) AS new_now,
                       count(*) FILTER (WHERE f.first_comment < :a) AS new_before
                FROM insight_people f
                WHERE f.tenant_id = :t AND f.first_comment >= :pa AND f.first_comment < :b),
            decisions AS (
                SELECT {_MEDIAN.format(cond="c.first_moderated_at >= :a")} AS median_now,
                       {_MEDIAN.format(cond="c.first_moderated_at < :a")} AS median_before
                FROM comments c WHERE c.tenant_id = :t
                  AND c.first_moderated_at >= :pa AND c.first_moderated_at < :b)
            SELECT s.*, n.*, d.*, {_QUEUE.format(q="qe")} AS queue_now,
                   {_QUEUE.format(q="qs")} AS queue_before
            FROM sums s, newcomers n, decisions d
        """
        params = {
            "t": self.tenant_id,
            "pa": previous_start,
            "a": start,
            "b": end,
            "qe": queue_at_end,
            "qs": queue_at_start,
        }
        row = (await self.conn.execute(sa.text(sql), params)).one()._mapping
        return _period(row, "now"), _period(row, "before")


def _period(row: Any, suffix: str) -> PeriodFigures:
    median = row[f"median_{suffix}"]
    return PeriodFigures(
        comments=int(row[f"comments_{suffix}"]),
        new_commenters=int(row[f"new_{suffix}"]),
        reads=int(row[f"reads_{suffix}"]),
        ratings=int(row[f"ratings_{suffix}"]),
        rating_sum=int(row[f"rating_sum_{suffix}"]),
        queue=int(row[f"queue_{suffix}"]),
        median_seconds=float(median) if median is not None else None,
    )
