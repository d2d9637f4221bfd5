"""The bulk path of an import (migration 0028): the per-row triggers of posts and
comments are skipped for the import's own rows and their effect applied once per batch.
The aggregates it leaves are exactly what a rebuild from the rows gives, another
tenant's figures are untouched, and every other write (the same transaction after a
batch, another session while a batch runs) still fires the triggers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from domain.imports import use_cases
from persistence.database import Database
from tests.comments.helpers import seed
from tests.factories import Factory, World
from tests.imports.helpers import author, comment, imported, item, wxr

# Every aggregate the row triggers keep, with the columns compared.
AGGREGATES = {
    "insight_post_hours": "post_id, hour, blog_id, author_id, comments_pending, "
    "comments_approved, comments_rejected, comments_spam, comments_deleted, replies, "
    "positive, neutral, negative, ratings, rating_sum, reads",
    "insight_tenant_hours": "hour, comments_pending, comments_approved, comments_spam, "
    "replies, positive, neutral, negative",
    "insight_blog_hours": "blog_id, hour, comments_pending, comments_approved, replies",
    "insight_author_hours": "author_id, hour, comments_approved, replies, negative",
    "insight_blog_days": "blog_id, day, comments_pending, comments_approved, positive",
    "insight_author_days": "author_id, day, comments_approved, neutral",
    "insight_post_days": "post_id, day, blog_id, author_id, comments_approved, comments_spam",
    "insight_post_weeks": "post_id, week, comments_approved, negative",
    "insight_presence": "hour, blog_id, author_id, kind, person",
    "insight_topic_days": "day, term, label, comments, positive, neutral, negative",
    "public_post_counts": "blog_id, facet, facet_key, posts",
}

# What migration 0013 computes for a tenant from its posts.
REBUILD_COUNTS = """
DELETE FROM public_post_counts WHERE tenant_id = app_current_tenant();
INSERT INTO public_post_counts (tenant_id, blog_id, facet, facet_key, posts)
SELECT p.tenant_id, p.blog_id, f.facet, f.facet_key, count(*)
FROM posts p CROSS JOIN LATERAL (
  SELECT 'blog'::varchar AS facet, ''::text AS facet_key
  UNION ALL SELECT 'author', p.author_id::text
  UNION ALL SELECT DISTINCT 'tag', tag FROM unnest(p.tag_names) AS tag) f
WHERE p.tenant_id = app_current_tenant() AND p.status IN ('published', 'scheduled')
  AND p.deleted_at IS NULL
GROUP BY 1, 2, 3, 4
"""


async def _aggregates(db: Database, world: World) -> dict[str, set[tuple[Any, ...]]]:
    found: dict[str, set[tuple[Any, ...]]] = {}
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        for table, columns in AGGREGATES.items():
            zero = " AND posts <> 0" if table == "public_post_counts" else ""
            rows = await tx.connection.execute(
                text(f"SELECT {columns} FROM {table} WHERE tenant_id = :t{zero}"),
                {"t": world.tenant.id},
            )
            found[table] = {tuple(r) for r in rows}
    return found


async def _rebuild(db: Database, world: World) -> None:
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        for sql in (
            "SELECT insight_rollup()",
            "SELECT insight_rollup_coarse()",
            "SELECT insight_topics_rollup()",
            *REBUILD_COUNTS.strip().split(";\n"),
        ):
            await tx.connection.execute(text(sql))
        await tx.commit()


def _export() -> bytes:
    def comments(base: int) -> str:
        return (
            comment(base, body="A wonderful recipe, I love the crisp crust.")
            + comment(base + 1, parent=base, body="Terrible delivery, the parcel was broken.")
            + comment(base + 2, body="Still waiting for my parcel.", approved="0")
            + comment(base + 3, body="Cheap pills here", approved="spam")
            + comment(
                base + 4,
                parent=base + 1,
                body="The crust stays crisp a day.",
                date="2019-05-03 18:30:00",
            )
        )

    return wxr(
        author("alice", "alice@old.example", "Alice"),
        author("bob", "bob@old.example", "Bob"),
        *(
            item(
                i,
                slug=f"post-{i}",
                creator="alice" if i % 2 else "bob",
                status="draft" if i == 4 else "publish",
                tags=f'<category domain="post_tag" nicename="t{i % 2}"><![CDATA[Tag {i % 2}]]>'
                "</category>",
                comments=comments(100 * i),
            )
            for i in range(1, 6)
        ),
    )


async def test_the_aggregates_after_an_import_equal_a_rebuild_and_spare_other_tenants(
    client, factory: Factory, monkeypatch
):
    monkeypatch.setattr(use_cases, "BATCH", 2)  # three batches
    other = await factory.world()
    other_blog = await factory.blog(other)
    other_post = await factory.post(other, other_blog, tags=["cuisine"])
    await seed(factory, other, other_post.id, body="Une recette formidable, merci !")
    before_other = await _aggregates(factory.db, other)
    assert before_other["insight_post_hours"] and before_other["public_post_counts"]

    world = await factory.world()
    blog = await factory.blog(world)
    job = await imported(client, factory, world, blog, _export())
    assert job["state"] == "succeeded", job["error"]
    assert job["created"]["posts"] == 5 and job["created"]["comments"] == 25

    after = await _aggregates(factory.db, world)
    assert len(after["insight_post_hours"]) == 10  # five posts, two hours each
    assert len(after["insight_topic_days"]) >= 5
    assert next(r[1:] for r in after["public_post_counts"] if r[1] == "blog") == (
        "blog",
        "",
        4,
    )  # the draft is not counted
    await _rebuild(factory.db, world)
    assert await _aggregates(factory.db, world) == after
    assert await _aggregates(factory.db, other) == before_other
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        counts = await tx.connection.execute(
            text(
                "SELECT p.comment_count, (SELECT count(*) FROM comments c WHERE "
                "c.tenant_id = p.tenant_id AND c.post_id = p.id AND c.status = 'approved') "
                "FROM posts p WHERE p.tenant_id = :t"
            ),
            {"t": world.tenant.id},
        )
        assert {tuple(r) for r in counts} == {(3, 3)}


async def _post_hours(db: Database, world: World, post_id: object) -> int:
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        return int(
            (
                await tx.connection.execute(
                    text(
                        "SELECT coalesce(sum(comments_approved + comments_pending), 0) "
                        "FROM insight_post_hours WHERE tenant_id = :t AND post_id = :p"
                    ),
                    {"t": world.tenant.id, "p": post_id},
                )
            ).scalar_one()
        )


async def test_other_writes_fire_the_triggers_during_and_after_an_import(
    client, factory: Factory, app_engine
):
    other = await factory.world()
    other_blog = await factory.blog(other)
    other_post = await factory.post(other, other_blog)
    world = await factory.world()
    blog = await factory.blog(world)

    # Another session holds a transaction with the setting on, as a running batch does.
    async with app_engine.connect() as session:
        await session.begin()
        await session.execute(text("SELECT set_config('causerie.bulk_load', 'on', true)"))
        await seed(factory, other, other_post.id)
        assert await _post_hours(factory.db, other, other_post.id) == 1
        await session.rollback()

    # The same transaction, once a batch is written, fires them again for what follows.
    job = await imported(client, factory, world, blog, _export())
    assert job["state"] == "succeeded", job["error"]
    await seed(factory, other, other_post.id)
    assert await _post_hours(factory.db, other, other_post.id) == 2
    async with factory.db.transaction(tenant_id=other.tenant.id) as tx:
        setting = await tx.connection.execute(
            text("SELECT current_setting('causerie.bulk_load', true)")
        )
        assert setting.scalar_one() in (None, "", "off")
