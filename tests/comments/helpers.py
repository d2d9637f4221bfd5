"""Helpers shared by the comments, moderation and insights tests: a site with a
published post, comments written over HTTP or straight through the use case."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from domain.comments import use_cases
from domain.comments.model import NewComment, Origin
from domain.kernel.access import Principal, Role
from domain.tenants.model import CommentPolicy
from domain.tenants.use_cases import enter_tenant
from persistence.uow import SqlUnitOfWork
from tests.factories import Factory, World


def comments_url(world: World, post_id: object) -> str:
    return f"/v1/sites/{world.slug}/posts/{post_id}/comments"


async def site(factory: Factory, *, policy: str = "open", anonymous: bool = True, **settings):
    """A tenant with the given comment policy, a blog by its author and a published post."""
    world = await factory.world(
        comment_policy=CommentPolicy(policy), anonymous_comments=anonymous, **settings
    )
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    return world, blog, post


async def say(client, world, post_id, who: str = "reader", body: str | None = None, **fields):
    payload: dict = {"body": body or f"Un avis {uuid.uuid4().hex[:8]}", **fields}
    if who == "anonymous":
        payload.setdefault("author_name", "Passant")
    return await client.post(comments_url(world, post_id), json=payload, headers=world.headers[who])


async def seed(factory: Factory, world: World, post_id, who: str = "reader", **fields) -> object:
    """A comment created through the use case (no HTTP rate limit), from a fresh address."""
    user = world.users.get(who)
    principal = Principal(user_id=user.id) if user and who != "anonymous" else Principal()
    new = NewComment(body=fields.pop("body", f"Seed {uuid.uuid4().hex}"), **fields)
    if who == "anonymous" and new.author_name is None:
        new.author_name = "Anonyme"
    async with SqlUnitOfWork(factory.db, user_id=principal.user_id) as uow:
        tenant, actor = await enter_tenant(uow, principal, world.slug)
        return await use_cases.post_comment(
            uow,
            actor,
            tenant,
            post_id,
            new,
            Origin(ip_hash=uuid.uuid4().bytes * 2),
            renderer=factory.services.comment_text,
            tone=factory.services.tone,
        )


async def add_reader(factory: Factory, world: World, name: str) -> None:
    user = await factory.user(name=name)
    await factory.member(world.tenant, user, Role.READER)
    world.users[name] = user
    world.headers[name] = factory.auth(user)


async def db_comment_count(factory: Factory, world: World, post_id) -> tuple[int, int]:
    """(the post's comment_count, approved comments counted in the comments table)."""
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        row = (
            await tx.connection.execute(
                text(
                    "SELECT p.comment_count, (SELECT count(*) FROM comments c "
                    "  WHERE c.tenant_id = p.tenant_id AND c.post_id = p.id "
                    "  AND c.status = 'approved') AS approved "
                    "FROM posts p WHERE p.id = :id"
                ),
                {"id": post_id},
            )
        ).one()
    return row.comment_count, row.approved
