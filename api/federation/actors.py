"""A blog's actor as the API shows it: its URLs, its key (made on first use) and the
articles of its public posts. Shared by the routes, the discovery documents and the
worker's deliveries."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from api.adapters.federation_keys import KeyBox, new_key_pair
from domain.federation.model import ArticleSource, BlogActor
from domain.kernel import clock
from persistence.database import Database
from persistence.federation.repositories import SqlFederationStore

FEATURE = "federation"


def federated(features: dict[str, Any]) -> bool:
    return features.get(FEATURE) is True


def actor_url(base: str, tenant: str, blog: str) -> str:
    return f"{base.rstrip('/')}/v1/sites/{tenant}/blogs/{blog}/actor"


def handle_of(tenant: str, blog: str) -> str:
    """The WebFinger user part: slugs have no dots, so ``blog.tenant`` splits back."""
    return f"{blog}.{tenant}"


async def ensure_key(db: Database, box: KeyBox, tenant_id: UUID, blog_id: UUID) -> tuple[str, str]:
    """(public PEM, private PEM) of the blog, made and stored the first time it is
    needed (an RSA key takes tens of milliseconds: off the event loop)."""
    async with db.transaction(tenant_id=tenant_id) as tx:
        found = await SqlFederationStore(tx).key_of(blog_id)
    if found is None:
        public, private = await asyncio.to_thread(new_key_pair)
        async with db.transaction(tenant_id=tenant_id) as tx:
            store = SqlFederationStore(tx)
            await store.add_key(blog_id, public, box.seal(private, tenant_id, blog_id), clock.now())
            found = await store.key_of(blog_id)
            await tx.commit()
        assert found is not None
    return found[0], box.open(found[1], tenant_id, blog_id)


def blog_actor(
    *,
    base: str,
    tenant_id: UUID,
    tenant_slug: str,
    branding: dict[str, Any],
    blog: Any,
    public_pem: str,
) -> BlogActor:
    base = base.rstrip("/")
    icon = branding.get("logo_url") if isinstance(branding.get("logo_url"), str) else None
    host = base.split("://", 1)[-1].split("/", 1)[0]
    return BlogActor(
        tenant_id=tenant_id,
        blog_id=blog.id,
        slug=blog.slug,
        title=blog.title,
        summary=blog.description,
        id=actor_url(base, tenant_slug, blog.slug),
        profile_url=f"{base}/sites/{tenant_slug}/blogs/{blog.slug}/",
        icon=icon,
        public_key_pem=public_pem,
        host=host,
        site_inbox=f"{base}/v1/sites/{tenant_slug}/inbox",
        handle=handle_of(tenant_slug, blog.slug),
    )


def article_source(base: str, tenant_slug: str, blog_slug: str, row: Any) -> ArticleSource:
    return ArticleSource(
        post_id=row.id,
        url=f"{base.rstrip('/')}/sites/{tenant_slug}/blogs/{blog_slug}/{row.slug}",
        title=row.title,
        excerpt=row.excerpt,
        html=row.body_html,
        published_at=row.published_at,
        updated_at=row.updated_at,
        tags=list(row.tag_names or []),
        author_name=row.display_name,
        language=row.language,
    )
