"""Reader sign-up confirms the address by mail; until then the reader's comments follow
the site's rule for anonymous ones."""

from __future__ import annotations

from sqlalchemy import text

from tests.comments.helpers import comments_url, site
from tests.mail.helpers import link_in, messages, send_due, token_of
from tests.test_foundation import assert_problem

PASSWORD = "a fine reader password"


async def sign_up(client, slug: str, email: str = "new.reader@example.test"):
    made = await client.post(
        f"/v1/sites/{slug}/signup",
        json={"email": email, "password": PASSWORD, "display_name": "New Reader"},
    )
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['access_token']}"}


async def comment(client, world, post_id, headers, body: str = "Premier avis"):
    return await client.post(comments_url(world, post_id), json={"body": body}, headers=headers)


async def verify(client, slug: str, token: str):
    return await client.post(f"/v1/sites/{slug}/verify-email", json={"token": token})


async def test_a_new_reader_confirms_by_mail_and_then_comments_as_a_member(
    client, factory, worker, arrived
):
    # Trusted policy: members' comments appear at once, anonymous ones wait.
    world, _, post = await site(factory, policy="trusted", anonymous=True)
    headers = await sign_up(client, world.slug)
    assert await send_due(worker, world.tenant.id) == ["sent"]
    [got] = arrived
    assert got.message["Subject"] == "Confirm your e-mail address on Test Brand"
    link = link_in(got.part("plain"), "verify-email")
    assert link.startswith(f"https://causerie.test/s/{world.slug}/verify-email?token=")

    before = await comment(client, world, post.id, headers)
    assert before.status_code == 202, before.text  # held, as an anonymous one would be
    assert before.json()["status"] == "pending"

    assert (await verify(client, world.slug, token_of(link))).status_code == 204
    after = await comment(client, world, post.id, headers, "Un second avis, tout autre")
    assert after.status_code == 201, after.text
    assert after.json()["status"] == "approved"
    # Once only.
    assert_problem(await verify(client, world.slug, token_of(link)), 404, "not_found")


async def test_an_unconfirmed_reader_cannot_comment_where_anonymous_comments_are_off(
    client, factory, worker
):
    world, _, post = await site(factory, policy="open", anonymous=False)
    headers = await sign_up(client, world.slug)
    refused = await comment(client, world, post.id, headers)
    assert_problem(refused, 403, "forbidden")
    assert "Confirm your e-mail" in refused.json()["detail"]
    # The existing members (made before, or by invitation) count as confirmed.
    ok = await comment(client, world, post.id, world.headers["reader"])
    assert ok.status_code == 201, ok.text


async def test_bad_verification_tokens_change_nothing(client, factory, worker, db):
    world, _, _ = await site(factory)
    await sign_up(client, world.slug)
    for bad in ("x", "A" * 43):
        assert_problem(await verify(client, world.slug, bad), 404, "not_found")
    assert_problem(await verify(client, world.slug, ""), 422, "validation_failed")
    async with db.transaction() as tx:
        verified = (
            await tx.connection.execute(
                text("SELECT email_verified_at FROM users WHERE email = 'new.reader@example.test'")
            )
        ).scalar_one()
    assert verified is None
    assert len(await messages(db, world.tenant.id)) == 1
