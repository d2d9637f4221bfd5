"""The demo tenant ``demo``: people in every role, ready to sign in. Safe to run twice."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from api.bootstrap import Services
from api.demo_content import DEMO_BLOGS
from api.settings import Settings
from domain.accounts import use_cases as accounts
from domain.blogs import use_cases as blogs
from domain.comments import use_cases as comments
from domain.comments.model import NewComment, Origin
from domain.insights import use_cases as insights
from domain.kernel import clock
from domain.kernel.access import ANONYMOUS, Actor, Principal, Role
from domain.licensing.model import Subscription, SubscriptionStatus
from domain.members.model import Membership
from domain.posts import use_cases as posts
from domain.ratings import use_cases as ratings
from domain.tenants import use_cases
from domain.tenants.model import Branding, Tenant, TenantSettings, TenantStatus
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
        await accounts.create_operator(
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
                user = await accounts.register_user(
                    uow, services.hasher, email, DEMO_PASSWORD, name, text=services.text
                )
            if await uow.memberships.get(tenant.id, user.id) is None:
                await uow.memberships.add(Membership(tenant.id, user.id, role, clock.now()))
        await use_cases.audit(
            uow, Actor(ANONYMOUS, tenant.id, None), "demo.seeded", "tenant", tenant.id
        )
        await uow.commit()
    count = await _seed_content(db, tenant.id, services, settings.base_url.rstrip("/"))
    return f"Demo tenant '{DEMO_TENANT}' is ready ({len(DEMO_PEOPLE)} people, {count} new posts)."


async def _actor_for(db: Database, email: str) -> Actor:
    async with SqlUnitOfWork(db) as uow:
        user = await uow.users.by_email(email)
        assert user is not None
    principal = Principal(user_id=user.id)
    async with SqlUnitOfWork(db, user_id=user.id) as uow:
        _, actor = await use_cases.enter_tenant(uow, principal, DEMO_TENANT)
    return actor


@contextmanager
def _as_of(when: datetime) -> Iterator[None]:
    """The seed writes the past (a community of 90 days): meanwhile the domain's clock
    reads ``when``. It runs alone, before any request is served."""
    real = clock.now
    setattr(clock, "now", lambda: when)  # noqa: B010 - the clock is the one thing moved
    try:
        yield
    finally:
        setattr(clock, "now", real)  # noqa: B010


async def _seed_content(db: Database, tenant_id: UUID, services: Services, base: str) -> int:
    """Blogs and posts, once: a second run finds the blogs and leaves them alone. Posts
    are published over the last 90 days, each followed by its comments, votes and reads."""
    text = services.text
    count = 0
    now = clock.now()
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
            cover = item.get("cover")
            draft = posts.PostDraft(
                title=item["title"],
                body_markdown=item["body"],
                tags=item["tags"],
                cover_image_url=f"{base}/covers/{cover}-960w.webp" if cover else None,
            )
            written = now - timedelta(days=item.get("days_ago", 0), hours=2)
            with _as_of(written):
                async with SqlUnitOfWork(db, tenant_id=tenant_id, user_id=actor.user_id) as uow:
                    post = await posts.create_post(uow, actor, text, blog.id, draft)
            count += 1
            if item.get("draft"):
                continue
            days = item.get("scheduled_in_days")
            at = now + timedelta(days=days) if days else written + timedelta(hours=2)
            with _as_of(min(at, now)):
                async with SqlUnitOfWork(db, tenant_id=tenant_id, user_id=actor.user_id) as uow:
                    await posts.publish_post(uow, actor, post.id, None, at)
            if at <= now:
                await _seed_conversation(db, post.id, item, services, at, now)
                await _seed_reads(db, services, tenant_id, post.id, at, now)
    return count


async def _seed_reads(
    db: Database,
    services: Services,
    tenant_id: UUID,
    post_id: UUID,
    published: datetime,
    now: datetime,
) -> None:
    """Reads on each day since publication: many at first, fewer as the post ages
    (counted through the read counter's own rule, one per visitor and day)."""
    draw = random.Random(str(post_id))  # noqa: S311 - demo figures, not secrets
    day = published
    while day < now:
        age = (day - published).days
        for n in range(max(0, round(draw.uniform(2, 9) / (1 + age / 10)))):
            with _as_of(day + timedelta(minutes=7 * n)):
                async with SqlUnitOfWork(db, tenant_id=tenant_id) as uow:
                    await insights.record_read(
                        uow,
                        post_id,
                        secret=services.hash_secret,
                        tenant=DEMO_TENANT,
                        address=f"203.0.113.{n}",
                        user_agent="Mozilla/5.0 (demo reader)",
                    )
        day += timedelta(days=1)


async def _seed_conversation(
    db: Database,
    post_id: UUID,
    item: dict[str, Any],
    services: Services,
    published: datetime,
    now: datetime,
) -> None:
    """Readers' comments (anonymous ones wait for moderation) and ratings on a post, in
    the hours and days after it came out."""

    def later(n: int) -> datetime:
        return min(now - timedelta(minutes=30), published + timedelta(hours=5 + 19 * n))

    for n, (email, body) in enumerate(item.get("comments", [])):
        actor = await _actor_for(db, email) if email else await _anonymous_actor(db)
        new = NewComment(body=body, author_name=None if email else "Visiteur")
        origin = Origin(ip_hash=hashlib.sha256(f"demo-visitor-{n}".encode()).digest())
        with _as_of(later(n)):
            async with SqlUnitOfWork(db, tenant_id=actor.tenant_id, user_id=actor.user_id) as uow:
                tenant = await uow.tenants.get(actor.tenant_id)
                assert tenant is not None
                await comments.post_comment(
                    uow,
                    actor,
                    tenant,
                    post_id,
                    new,
                    origin,
                    renderer=services.comment_text,
                    tone=services.tone,
                )
    for n, (email, stars) in enumerate(item.get("ratings", {}).items()):
        actor = await _actor_for(db, email)
        with _as_of(later(n) + timedelta(hours=3)):
            async with SqlUnitOfWork(db, tenant_id=actor.tenant_id, user_id=actor.user_id) as uow:
                tenant = await uow.tenants.get(actor.tenant_id)
                assert tenant is not None
                await ratings.rate(uow, actor, tenant, post_id, stars, None)


async def _anonymous_actor(db: Database) -> Actor:
    async with SqlUnitOfWork(db) as uow:
        _, actor = await use_cases.enter_tenant(uow, ANONYMOUS, DEMO_TENANT)
    return actor
