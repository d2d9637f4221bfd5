"""The demo data: every role, blogs and posts, and a second run that changes nothing."""

from __future__ import annotations

from sqlalchemy import text

from api.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo


async def test_seed_is_complete_and_idempotent(db, settings, client, services):
    first = await seed_demo(db, settings)
    assert "9 new posts" in first
    again = await seed_demo(db, settings)
    assert "0 new posts" in again
    for email, _, role in DEMO_PEOPLE:
        signed_in = await client.post(
            "/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 200, email
        me = await client.get(
            "/v1/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        )
        memberships = [{**m, "moderates": None} for m in me.json()["memberships"]]
        expected = {"tenant": "demo", "tenant_name": "Causerie Demo", "role": role.value}
        assert {**expected, "moderates": None} in memberships
    async with db.transaction() as tx:
        tenant_id = (
            await tx.connection.execute(text("SELECT id FROM tenants WHERE slug = 'demo'"))
        ).scalar_one()
    async with db.transaction(tenant_id=tenant_id) as tx:
        counts = (
            await tx.connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM blogs) AS blogs, "
                    "(SELECT count(*) FROM posts) AS posts, "
                    "(SELECT count(*) FROM posts WHERE status = 'scheduled') AS scheduled, "
                    "(SELECT count(*) FROM posts WHERE status = 'draft') AS drafts"
                )
            )
        ).one()
    assert (counts.blogs, counts.posts, counts.scheduled, counts.drafts) == (3, 9, 1, 1)
    async with db.transaction(tenant_id=tenant_id) as tx:
        talk = (
            await tx.connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM comments WHERE status = 'approved') AS approved, "
                    "(SELECT count(*) FROM comments WHERE status = 'pending') AS pending, "
                    "(SELECT count(*) FROM ratings) AS ratings"
                )
            )
        ).one()
    assert (talk.approved, talk.pending, talk.ratings) == (5, 2, 6)


async def test_the_demo_community_spans_ninety_days(db, settings):
    await seed_demo(db, settings)
    async with db.transaction() as tx:
        tenant_id = (
            await tx.connection.execute(text("SELECT id FROM tenants WHERE slug = 'demo'"))
        ).scalar_one()
    async with db.transaction(tenant_id=tenant_id) as tx:
        spread = (
            await tx.connection.execute(
                text(
                    "SELECT (SELECT now() - min(published_at) FROM posts "
                    "  WHERE status = 'published') AS oldest, "
                    "(SELECT count(DISTINCT date_trunc('week', published_at)) FROM posts "
                    "  WHERE status = 'published') AS weeks, "
                    "(SELECT count(*) FROM posts WHERE cover_image_url LIKE '%/covers/%-960w.webp') "
                    "  AS covers, "
                    "(SELECT count(*) FROM comments WHERE created_at < now() - interval '30 days') "
                    "  AS old_comments, "
                    "(SELECT sum(reads) FROM insight_post_hours) AS reads, "
                    "(SELECT count(DISTINCT date_trunc('day', hour)) FROM insight_post_hours "
                    "  WHERE reads > 0) AS reading_days"
                )
            )
        ).one()
    assert spread.oldest.days >= 80
    assert spread.weeks >= 5
    assert spread.covers >= 5
    assert spread.old_comments >= 1
    assert spread.reads >= 100
    assert spread.reading_days >= 60
