"""One-line builders for tests: a tenant with people in every role, tokens for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from api.bootstrap import Services
from domain.accounts import use_cases as accounts
from domain.accounts.model import User
from domain.blogs import use_cases as blogs
from domain.blogs.model import Blog
from domain.kernel import clock
from domain.kernel.access import Actor, Principal, Role
from domain.licensing.model import Subscription, SubscriptionStatus
from domain.members.model import Membership
from domain.posts import use_cases as content
from domain.posts.model import Post
from domain.tenants.model import Branding, Tenant, TenantSettings, TenantStatus
from domain.tenants.use_cases import enter_tenant
from persistence.database import Database
from persistence.uow import SqlUnitOfWork

PASSWORD = "correct horse battery"


@dataclass
class World:
    """A tenant and one user per role, with ready-made auth headers."""

    tenant: Tenant
    users: dict[str, User] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.slug


class Factory:
    def __init__(self, db: Database, services: Services):
        self.db, self.services = db, services

    def auth(self, user: User) -> dict[str, str]:
        # A session of its own that no refresh token names: never revoked.
        token, _ = self.services.keyring.issue(user.id, user.token_version, uuid4())
        return {"Authorization": f"Bearer {token}"}

    async def user(
        self, email: str | None = None, *, operator: bool = False, name: str = ""
    ) -> User:
        email = email or f"u{uuid4().hex[:10]}@example.test"
        async with SqlUnitOfWork(self.db) as uow:
            user = await accounts.register_user(
                uow,
                self.services.hasher,
                email,
                PASSWORD,
                name or email.split("@")[0],
                text=self.services.text,
                is_operator=operator,
            )
            await uow.commit()
        return user

    async def tenant(
        self,
        slug: str | None = None,
        *,
        plan: str = "business",
        status: str = "active",
        **settings: object,
    ) -> Tenant:
        """A tenant with a subscription (``business``, ``active`` unless told otherwise)."""
        now = clock.now()
        tenant = Tenant(
            id=uuid4(),
            slug=slug or f"t-{uuid4().hex[:8]}",
            name="Test Brand",
            status=TenantStatus.ACTIVE,
            default_language="en",
            branding=Branding(),
            settings=TenantSettings(**settings),  # type: ignore[arg-type]
            created_at=now,
            updated_at=now,
        )
        async with SqlUnitOfWork(self.db) as uow:
            await uow.tenants.add(tenant)
            await uow.set_tenant(tenant.id)
            await uow.subscriptions.add(
                Subscription(
                    tenant_id=tenant.id,
                    plan_id=plan,
                    status=SubscriptionStatus(status),
                    current_period_end=None,
                    external_ref=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            await uow.commit()
        return tenant

    async def member(self, tenant: Tenant, user: User, role: Role) -> None:
        async with SqlUnitOfWork(self.db, tenant_id=tenant.id) as uow:
            await uow.memberships.add(Membership(tenant.id, user.id, role, clock.now()))
            await uow.commit()

    async def world(
        self, slug: str | None = None, *, plan: str = "business", **settings: object
    ) -> World:
        """A tenant with an owner, manager, moderator, author and reader."""
        tenant = await self.tenant(slug, plan=plan, **settings)
        world = World(tenant)
        for role in Role:
            user = await self.user(name=f"{role.value} of {tenant.slug}")
            await self.member(tenant, user, role)
            world.users[role.value] = user
            world.headers[role.value] = self.auth(user)
        outsider = await self.user(name="outsider")
        world.users["outsider"] = outsider
        world.headers["outsider"] = self.auth(outsider)
        operator = await self.user(operator=True, name="operator")
        world.users["operator"] = operator
        world.headers["operator"] = self.auth(operator)
        world.headers["anonymous"] = {}
        return world

    # --- content -------------------------------------------------------------------

    async def _actor(self, world: World, role: str) -> Actor:
        user = world.users[role]
        principal = Principal(user_id=user.id, is_operator=user.is_operator)
        async with SqlUnitOfWork(self.db, user_id=user.id) as uow:
            _, actor = await enter_tenant(uow, principal, world.slug)
        return actor

    async def blog(
        self, world: World, title: str = "Le blog", *, role: str = "author", **fields: object
    ) -> Blog:
        """A blog created (and owned) by ``world.users[role]``."""
        actor = await self._actor(world, role)
        async with SqlUnitOfWork(self.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
            return await blogs.create_blog(
                uow, actor, self.services.text, {"title": title, **fields}
            )

    async def post(
        self,
        world: World,
        blog: Blog,
        title: str = "Un billet",
        body: str = "Du *texte*.",
        *,
        role: str = "author",
        publish: bool = True,
        at: datetime | None = None,
        tags: list[str] | None = None,
        language: str | None = None,
    ) -> Post:
        """A post by ``world.users[role]`` in ``blog``, published unless told otherwise."""
        actor = await self._actor(world, role)
        draft = content.PostDraft(
            title=title, body_markdown=body, tags=tags or [], language=language
        )
        async with SqlUnitOfWork(self.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
            post = await content.create_post(uow, actor, self.services.text, blog.id, draft)
        if publish or at is not None:
            async with SqlUnitOfWork(
                self.db, tenant_id=world.tenant.id, user_id=actor.user_id
            ) as uow:
                post = await content.publish_post(uow, actor, post.id, None, at)
        return post


# --- public read side: helpers for tests of /v1/sites/{tenant} (added with the public
# content endpoints; they only drive existing use cases or set denormalised counters) ---


async def post_transition(factory: Factory, world: World, post: Post, name: str) -> Post:
    """Run one life-cycle use case (unpublish, archive, delete, restore) as the manager."""
    actor = await factory._actor(world, "manager")
    action = {
        "unpublish": content.unpublish_post,
        "archive": content.archive_post,
        "delete": content.delete_post,
    }[name]
    async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
        return await action(uow, actor, post.id, None)


async def edit_post(factory: Factory, world: World, post: Post, **changes: object) -> Post:
    actor = await factory._actor(world, "manager")
    async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
        current = await content.load_post(uow, post.id)
    async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
        return await content.edit_post(
            uow, actor, factory.services.text, post.id, current.version, dict(changes)
        )


async def archive_blog(factory: Factory, world: World, blog: Blog) -> Blog:
    actor = await factory._actor(world, "manager")
    async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
        return await blogs.update_blog(uow, actor, blog.id, {"status": "archived"})


async def set_counters(
    factory: Factory,
    world: World,
    post: Post,
    *,
    comments: int = 0,
    histogram: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0),
) -> None:
    """Set the denormalised comment and rating counters the conversation slice keeps."""
    from sqlalchemy import text

    count = sum(histogram)
    total = sum((i + 1) * n for i, n in enumerate(histogram))
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        await tx.connection.execute(
            text(
                "UPDATE posts SET comment_count = :c, rating_count = :n, rating_sum = :s, "
                "rating_histogram = :h WHERE tenant_id = :t AND id = :id"
            ),
            {
                "c": comments,
                "n": count,
                "s": total,
                "h": list(histogram),
                "t": world.tenant.id,
                "id": post.id,
            },
        )
        await tx.commit()


# --- insights: helpers for tests of /v1/tenants/{tenant}/insights (added with the
# insights slice; they only add members and move the domain's clock) ---------------------


async def add_member(factory: Factory, world: World, key: str, role: Role) -> User:
    """Another member of ``world`` with ``role``, reachable as ``world.users[key]``."""
    user = await factory.user(name=key)
    await factory.member(world.tenant, user, role)
    world.users[key] = user
    world.headers[key] = factory.auth(user)
    return user


class FrozenClock:
    """Sets the domain's clock (``domain.kernel.clock.now``) to a chosen instant until moved."""

    def __init__(self, monkeypatch: object, at: datetime):
        self.at = at
        monkeypatch.setattr(clock, "now", lambda: self.at)  # type: ignore[attr-defined]

    def set(self, at: datetime) -> None:
        self.at = at
