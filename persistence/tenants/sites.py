"""The tenant behind a public site, as its public reads need it (cached by
``api/site_cache.py``); the site's content is read in ``persistence/posts/public_reads.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from persistence.database import Database


@dataclass(frozen=True)
class SiteRow:
    """What the public side needs to know about a tenant, read before any content."""

    id: UUID
    slug: str
    name: str
    active: bool
    default_language: str
    branding: dict[str, Any]
    settings: dict[str, Any]
    subscription_status: str | None
    features: dict[str, Any]
    languages: list[str]
    requests_per_minute: int | None  # the plan's API rate; None: unlimited or no plan


async def load_site(db: Database, slug: str) -> SiteRow | None:
    """The tenant behind a public slug, with its subscription status, plan features and
    the languages of its active blogs. Callers cache the answer for a short while."""
    async with db.transaction() as tx:
        conn = tx.connection
        tenant = (
            await conn.execute(
                sa.text(
                    "SELECT id, slug, name, status, default_language, branding, settings "
                    "FROM tenants WHERE slug = CAST(:slug AS text)"
                ),
                {"slug": slug},
            )
        ).first()
        if tenant is None:
            return None
        await tx.set_context(tenant.id, None)
        extra = (
            await conn.execute(
                sa.text(
                    "SELECT (SELECT s.status FROM subscriptions s "
                    "WHERE s.tenant_id = CAST(:tenant AS uuid)) AS status, "
                    "(SELECT pl.features FROM subscriptions s JOIN plans pl ON pl.id = s.plan_id "
                    "WHERE s.tenant_id = CAST(:tenant AS uuid)) AS features, "
                    # As Plan.restored reads a row edited by hand: a value that is
                    # no whole number >= 0 (or null: unlimited) gives no room.
                    "(SELECT CASE jsonb_typeof(pl.quotas -> 'api_requests_per_minute') "
                    "WHEN 'null' THEN NULL "
                    "WHEN 'number' THEN CASE WHEN (pl.quotas ->> 'api_requests_per_minute')"
                    "::numeric BETWEEN 0 AND 2147483647 "
                    "THEN (pl.quotas ->> 'api_requests_per_minute')::numeric::integer "
                    "ELSE 0 END "
                    "ELSE 0 END "
                    "FROM subscriptions s JOIN plans pl ON pl.id = s.plan_id "
                    "WHERE s.tenant_id = CAST(:tenant AS uuid)) AS requests_per_minute, "
                    "ARRAY(SELECT DISTINCT language FROM blogs WHERE "
                    "tenant_id = CAST(:tenant AS uuid) AND status = 'active' "
                    "ORDER BY language) AS languages"
                ),
                {"tenant": tenant.id},
            )
        ).one()
    return SiteRow(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        active=tenant.status == "active",
        default_language=tenant.default_language,
        branding=dict(tenant.branding),
        settings=dict(tenant.settings),
        subscription_status=extra.status,
        features=dict(extra.features or {}),
        languages=list(extra.languages),
        requests_per_minute=extra.requests_per_minute,
    )
