"""A hot post: a vote or a comment stopped right after its row is written (the vote or
comment is in the table, the post's counter not yet moved, the transaction open) holds
up no other voter or commenter of the same post.

Before, the insights' triggers added each write to the post's hour (and the tenant's,
blog's and author's roll-ups) at the write itself, so those rows stayed locked until
the commit and every other vote of the hour queued behind the whole transaction. Now
they run at the commit (migration 0018): what is left in common is the post's counter
update and the commit. No timing is measured: a blocked request would never come back,
and the generous ``wait_for`` only turns that into a failure instead of a hung run.
"""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy import text

from domain.tenants.model import CommentPolicy
from persistence.comments.repositories import SqlCommentRepository
from persistence.ratings.repositories import SqlRatingRepository
from tests.comments.helpers import comments_url
from tests.ratings.test_ratings import committed, rating_url, table_summary, token

__all__ = ["committed"]  # the fixture, used by name below


async def _hour_figures(db, tenant_id, post_id) -> tuple[int, int, int]:
    """(votes, stars, approved comments) of the post in its hourly insights rows."""
    async with db.transaction(tenant_id=tenant_id) as tx:
        row = (
            await tx.connection.execute(
                text(
                    "SELECT coalesce(sum(ratings), 0) AS n, coalesce(sum(rating_sum), 0) AS s, "
                    "coalesce(sum(comments_approved), 0) AS c "
                    "FROM insight_post_hours WHERE post_id = :p"
                ),
                {"p": post_id},
            )
        ).one()
    return int(row.n), int(row.s), int(row.c)


async def test_a_written_vote_not_yet_counted_does_not_hold_up_another_voter(
    client, committed, monkeypatch
):
    world = await committed.world(anonymous_ratings=True)
    committed.made.append(world)
    post = await committed.post(world, await committed.blog(world))
    url = rating_url(world, post.id)
    slow, quick = token(), token()
    slow_hash = hashlib.sha256(slow.encode()).digest()
    written, release = asyncio.Event(), asyncio.Event()
    write_vote = SqlRatingRepository.put

    async def stopping_after_the_write(self, post_id, voter, stars, at):
        await write_vote(self, post_id, voter, stars, at)
        if voter.token_hash == slow_hash:
            written.set()
            await release.wait()

    monkeypatch.setattr(SqlRatingRepository, "put", stopping_after_the_write)
    first = asyncio.create_task(client.put(url, json={"stars": 2}, headers={"X-Voter-Token": slow}))
    try:
        await asyncio.wait_for(written.wait(), 60)
        other = await asyncio.wait_for(
            client.put(url, json={"stars": 5}, headers={"X-Voter-Token": quick}), 60
        )
        assert other.status_code == 200, other.text
        # The other vote is counted, on the post and in the insights, while the first
        # vote's transaction is still open with its row written.
        assert other.json()["summary"]["histogram"] == [0, 0, 0, 0, 1]
        assert await _hour_figures(committed.db, world.tenant.id, post.id) == (1, 5, 0)
    finally:
        release.set()
    done = await asyncio.wait_for(first, 60)
    assert done.status_code == 200, done.text
    assert done.json()["summary"]["histogram"] == [0, 1, 0, 0, 1]
    row, counted = await table_summary(committed.db, world.tenant.id, post.id)
    assert row == counted == (2, 7, [0, 1, 0, 0, 1])
    assert await _hour_figures(committed.db, world.tenant.id, post.id) == (2, 7, 0)


async def test_a_written_comment_not_yet_counted_does_not_hold_up_another(
    client, committed, monkeypatch
):
    world = await committed.world(anonymous_comments=True, comment_policy=CommentPolicy.OPEN)
    committed.made.append(world)
    post = await committed.post(world, await committed.blog(world))
    written, release = asyncio.Event(), asyncio.Event()
    write_comment = SqlCommentRepository.add

    async def stopping_after_the_write(self, comment):
        await write_comment(self, comment)
        if comment.author_name == "Lent":
            written.set()
            await release.wait()

    monkeypatch.setattr(SqlCommentRepository, "add", stopping_after_the_write)
    url = comments_url(world, post.id)
    first = asyncio.create_task(
        client.post(url, json={"body": "Premier avis, lent.", "author_name": "Lent"})
    )
    try:
        await asyncio.wait_for(written.wait(), 60)
        other = await asyncio.wait_for(
            client.post(url, json={"body": "Second avis, rapide.", "author_name": "Vif"}), 60
        )
        assert other.status_code == 201, other.text
        assert await _hour_figures(committed.db, world.tenant.id, post.id) == (0, 0, 1)
    finally:
        release.set()
    done = await asyncio.wait_for(first, 60)
    assert done.status_code == 201, done.text
    assert await _hour_figures(committed.db, world.tenant.id, post.id) == (0, 0, 2)
    async with committed.db.transaction(tenant_id=world.tenant.id) as tx:
        count = (
            await tx.connection.execute(
                text("SELECT comment_count FROM posts WHERE id = :p"), {"p": post.id}
            )
        ).scalar_one()
    assert count == 2
