"""The demo tenant ``demo``: people in every role, ready to sign in. Safe to run twice."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from api.bootstrap import Services
from api.demo_content import DEMO_BLOGS
from api.settings import Settings
from domain.blogs import use_cases as blogs
from domain.conversation import use_cases as conversation
from domain.conversation.model import NewComment, Origin
from domain.identity import use_cases
from domain.identity.model import Branding, Membership, Tenant, TenantSettings, TenantStatus
from domain.kernel import clock
from domain.kernel.access import ANONYMOUS, Actor, Principal, Role
from domain.kernel.text import TextEngine
from domain.licensing.model import Subscription, SubscriptionStatus
from domain.posts import use_cases as posts
from persistence.database import Database
from persistence.uow import SqlUnitOfWork

DEMO_TENANT = "demo"
DEMO_PASSWORD = "causerie-demo"
OPERATOR_EMAIL = "operator@causerie.test"
DEMO_PEOPLE = [
    ("owner@demo.causerie.test", "Olivia Owner", Role.OWNER),
    ("manager@demo.causerie.test", "Manon Manager", Role.MANAGER),
    ("moderator@demo.causerie.test", "Marc Moderator", Role.MODERATOR),
    ("alice@demo.causerie.test", "Alice Auteur", Role.AUTHOR),
    ("bruno@demo.causerie.test", "Bruno Blogueur", Role.AUTHOR),
    ("reader@demo.causerie.test", "Rita Reader", Role.READER),
    ("lecteur@demo.causerie.test", "Louis Lecteur", Role.READER),
]

DEMO_BANNER = "\n".join(
    [
        "  Demo sign-in (password for all: " + DEMO_PASSWORD + ")",
        f"    operator          {OPERATOR_EMAIL}",
    ]
    + [f"    {role.value:<17} {email}" for email, _, role in DEMO_PEOPLE]
)


async def seed_demo(db: Database, settings: Settings) -> str:
    services = Services.from_settings(settings)
    async with SqlUnitOfWork(db) as uow:
        await use_cases.create_operator(
            uow, services.hasher, OPERATOR_EMAIL, DEMO_PASSWORD, text=services.text
        )
    async with SqlUnitOfWork(db) as uow:
        tenant = await uow.tenants.by_slug(DEMO_TENANT)
        if tenant is None:
            now = clock.now()
            tenant = Tenant(
                id=uuid4(),
                slug=DEMO_TENANT,
                name="Causerie Demo",
                status=TenantStatus.ACTIVE,
                default_language="fr",
                branding=Branding(
                    primary_color="#7a2e8e",
                    accent_color="#e07a1f",
                    footer_text="Le blog de démonstration de Causerie.",
                ),
                settings=TenantSettings(anonymous_comments=True, anonymous_ratings=True),
                created_at=now,
                updated_at=now,
            )
            await uow.tenants.add(tenant)
        await uow.set_tenant(tenant.id)
        if await uow.subscriptions.get(tenant.id) is None:
            await uow.subscriptions.add(
                Subscription(
                    tenant_id=tenant.id,
                    plan_id="business",
                    status=SubscriptionStatus.ACTIVE,
                    current_period_end=None,
                    external_ref="demo",
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
        for email, name, role in DEMO_PEOPLE:
            user = await uow.users.by_email(email)
            if user is None:
                user = await use_cases.register_user(
                    uow, services.hasher, email, DEMO_PASSWORD, name, text=services.text
                )
            if await uow.memberships.get(tenant.id, user.id) is None:
                await uow.memberships.add(Membership(tenant.id, user.id, role, clock.now()))
        await use_cases.audit(
            uow, Actor(ANONYMOUS, tenant.id, None), "demo.seeded", "tenant", tenant.id
        )
        await uow.commit()
    count = await _seed_content(db, tenant.id, services.text)
    return f"Demo tenant '{DEMO_TENANT}' is ready ({len(DEMO_PEOPLE)} people, {count} new posts)."


async def _actor_for(db: Database, email: str) -> Actor:
    async with SqlUnitOfWork(db) as uow:
        user = await uow.users.by_email(email)
        assert user is not None
    principal = Principal(user_id=user.id)
    async with SqlUnitOfWork(db, user_id=user.id) as uow:
        _, actor = await use_cases.actor_in(uow, principal, DEMO_TENANT)
    return actor


async def _seed_content(db: Database, tenant_id: UUID, text: TextEngine) -> int:
    """Blogs and posts, once: a second run finds the blogs and leaves them alone."""
    count = 0
    for spec in DEMO_BLOGS:
        actor = await _actor_for(db, spec["owner"])
        async with SqlUnitOfWork(db, tenant_id=tenant_id, user_id=actor.user_id) as uow:
            if await uow.blogs.by_slug(blogs.blog_slug_of(spec["title"], text)) is not None:
                continue
            blog = await blogs.create_blog(
                uow,
                actor,
                text,
                {
                    "title": spec["title"],
                    "description": spec["description"],
                    "language": spec["language"],
                },
            )
        for item in spec["posts"]:
            draft = posts.PostDraft(
                title=item["title"], body_markdown=item["body"], tags=item["tags"]
            )
            async with SqlUnitOfWork(db, tenant_id=tenant_id, user_id=actor.user_id) as uow:
                post = await posts.create_post(uow, actor, text, blog.id, draft)
            count += 1
            if item.get("draft"):
                continue
            days = item.get("scheduled_in_days")
            at = clock.now() + timedelta(days=days) if days else None
            async with SqlUnitOfWork(db, tenant_id=tenant_id, user_id=actor.user_id) as uow:
                await posts.publish_post(uow, actor, post.id, None, at)
            if at is None:
                await _seed_conversation(db, post.id, item)
    return count


async def _seed_conversation(db: Database, post_id: UUID, item: dict[str, Any]) -> None:
    """Readers' comments (anonymous ones wait for moderation) and ratings on a post."""
    for n, (email, body) in enumerate(item.get("comments", [])):
        actor = await _actor_for(db, email) if email else await _anonymous_actor(db)
        new = NewComment(body=body, author_name=None if email else "Visiteur")
        origin = Origin(ip_hash=hashlib.sha256(f"demo-visitor-{n}".encode()).digest())
        async with SqlUnitOfWork(db, tenant_id=actor.tenant_id, user_id=actor.user_id) as uow:
            tenant = await uow.tenants.get(actor.tenant_id)
            assert tenant is not None
            await conversation.post_comment(uow, actor, tenant, post_id, new, origin)
    for email, stars in item.get("ratings", {}).items():
        actor = await _actor_for(db, email)
        async with SqlUnitOfWork(db, tenant_id=actor.tenant_id, user_id=actor.user_id) as uow:
            tenant = await uow.tenants.get(actor.tenant_id)
            assert tenant is not None
            await conversation.rate(uow, actor, tenant, post_id, stars, None)


async def _anonymous_actor(db: Database) -> Actor:
    async with SqlUnitOfWork(db) as uow:
        _, actor = await use_cases.actor_in(uow, ANONYMOUS, DEMO_TENANT)
    return actor
