"""Ratings: the votes' table (mirroring migration 0007) and the repository that keeps
the summary on the post row, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import array as pg_array

from domain.ratings.model import RatingSummary, Voter
from domain.ratings.ports import RatedPost
from persistence import tables as t
from persistence.database import TenantScoped

U = PgUUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


ratings = sa.Table(
    "ratings",
    t.metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("post_id", U, nullable=False),
    sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE")),
    sa.Column("voter_hash", sa.LargeBinary(32)),
    sa.Column("stars", sa.SmallInteger, nullable=False),
    _ts("created_at", False),
    _ts("updated_at", False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
    # One vote per member and per anonymous voter token on a post.
    sa.Index(
        "ratings_post_user",
        "tenant_id",
        "post_id",
        "user_id",
        unique=True,
        postgresql_where=sa.text("user_id IS NOT NULL"),
    ),
    sa.Index(
        "ratings_post_voter",
        "tenant_id",
        "post_id",
        "voter_hash",
        unique=True,
        postgresql_where=sa.text("voter_hash IS NOT NULL"),
    ),
)

_p = t.posts


class SqlRatingRepository(TenantScoped):
    def _voter(self, post_id: UUID, voter: Voter) -> list[sa.ColumnElement[bool]]:
        where = [ratings.c.tenant_id == self.tenant_id, ratings.c.post_id == post_id]
        if voter.user_id is not None:
            where.append(ratings.c.user_id == voter.user_id)
        else:
            where.append(ratings.c.voter_hash == voter.token_hash)
        return where

    async def post(self, post_id: UUID) -> RatedPost | None:
        query = sa.select(_p.c.id, _p.c.status, _p.c.published_at, _p.c.deleted_at).where(
            _p.c.tenant_id == self.tenant_id, _p.c.id == post_id
        )
        row: Any = (await self.conn.execute(query)).first()
        if row is None:
            return None
        return RatedPost(row.id, row.status, row.published_at, row.deleted_at)

    async def hold_voter(self, post_id: UUID, voter: Voter) -> None:
        # A transaction-scoped advisory lock on (tenant, post, voter): a voter's racing
        # requests (vote twice at once, withdraw while voting) go one after the other,
        # other voters never wait for it. A hash collision only makes two voters queue.
        who = str(voter.user_id) if voter.user_id is not None else (voter.token_hash or b"").hex()
        await self.conn.execute(
            sa.select(
                sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(sa.bindparam("k"), 0))
            ),
            {"k": f"rating:{self.tenant_id}:{post_id}:{who}"},
        )

    async def summary(self, post_id: UUID) -> RatingSummary:
        query = sa.select(_p.c.rating_count, _p.c.rating_sum, _p.c.rating_histogram).where(
            _p.c.tenant_id == self.tenant_id, _p.c.id == post_id
        )
        return _summary((await self.conn.execute(query)).one())

    async def vote_of(self, post_id: UUID, voter: Voter) -> int | None:
        query = sa.select(ratings.c.stars).where(*self._voter(post_id, voter))
        stars = (await self.conn.execute(query)).scalar_one_or_none()
        return int(stars) if stars is not None else None

    async def put(self, post_id: UUID, voter: Voter, stars: int, at: datetime) -> None:
        updated = await self.conn.execute(
            ratings.update().where(*self._voter(post_id, voter)).values(stars=stars, updated_at=at)
        )
        if updated.rowcount:
            return
        await self.conn.execute(
            ratings.insert().values(
                tenant_id=self.tenant_id,
                id=uuid4(),
                post_id=post_id,
                user_id=voter.user_id,
                voter_hash=voter.token_hash if voter.user_id is None else None,
                stars=stars,
                created_at=at,
                updated_at=at,
            )
        )

    async def remove(self, post_id: UUID, voter: Voter) -> None:
        await self.conn.execute(ratings.delete().where(*self._voter(post_id, voter)))

    async def add_to_summary(self, post_id: UUID, change: RatingSummary) -> RatingSummary:
        # One relative UPDATE, no SELECT … FOR UPDATE before it: under READ COMMITTED a
        # concurrent vote's update waits for this row's lock and then adds to the row as
        # this commit leaves it, so the counters add up exactly.
        h = _p.c.rating_histogram
        histogram = pg_array([h[i + 1] + n for i, n in enumerate(change.histogram)])
        row = (
            await self.conn.execute(
                _p.update()
                .where(_p.c.tenant_id == self.tenant_id, _p.c.id == post_id)
                .values(
                    rating_count=_p.c.rating_count + change.count,
                    rating_sum=_p.c.rating_sum + change.total,
                    rating_histogram=histogram,
                )
                .returning(_p.c.rating_count, _p.c.rating_sum, _p.c.rating_histogram)
            )
        ).one()
        return _summary(row)


def _summary(row: Any) -> RatingSummary:
    h = [int(n) for n in row.rating_histogram]
    return RatingSummary(row.rating_count, row.rating_sum, (h[0], h[1], h[2], h[3], h[4]))
