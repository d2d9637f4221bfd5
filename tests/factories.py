"""One-line builders for tests: a tenant with people in every role, tokens for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from api.services import Services
from domain import clock
from domain.content import use_cases as content
from domain.content.model import Blog, Post
from domain.identity import use_cases
from domain.identity.model import (
    Branding,
    Membership,
    Role,
    Tenant,
    TenantSettings,
    TenantStatus,
    User,
)
from domain.identity.policy import Actor, Principal
from domain.identity.use_cases import actor_in
from domain.licensing.model import Subscription, SubscriptionStatus
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
        token, _ = self.services.keyring.issue(user.id, user.token_version)
        return {"Authorization": f"Bearer {token}"}

    async def user(
        self, email: str | None = None, *, operator: bool = False, name: str = ""
    ) -> User:
        email = email or f"u{uuid4().hex[:10]}@example.test"
        async with SqlUnitOfWork(self.db) as uow:
            user = await use_cases.register_user(
                uow,
                self.services.hasher,
                email,
                PASSWORD,
                name or email.split("@")[0],
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
            _, actor = await actor_in(uow, principal, world.slug)
        return actor

    async def blog(
        self, world: World, title: str = "Le blog", *, role: str = "author", **fields: object
    ) -> Blog:
        """A blog created (and owned) by ``world.users[role]``."""
        actor = await self._actor(world, role)
        async with SqlUnitOfWork(self.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
            return await content.create_blog(uow, actor, {"title": title, **fields})

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
            post = await content.create_post(uow, actor, blog.id, draft)
        if publish or at is not None:
            async with SqlUnitOfWork(
                self.db, tenant_id=world.tenant.id, user_id=actor.user_id
            ) as uow:
                post = await content.publish_post(uow, actor, post.id, None, at)
        return post
