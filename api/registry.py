"""Where each slice's routers are mounted: ``ROUTERS`` under ``/v1`` (the system router,
outside it, is mounted by the app factory). Adding a slice's router is one line here."""

from __future__ import annotations

from fastapi import APIRouter

from api.accounts import routes as accounts
from api.blogs import public as blogs_public
from api.blogs import routes as blogs
from api.comments import routes as comments
from api.federation import blocks as federation_blocks
from api.federation import routes as federation
from api.federation import well_known
from api.imports import public as imports_public
from api.imports import routes as imports
from api.insights import headline as insights_headline
from api.insights import routes as insights
from api.licensing import routes as licensing
from api.mail import routes as mail
from api.members import routes as members
from api.moderation import routes as moderation
from api.portability import routes as portability
from api.posts import feeds
from api.posts import public as posts_public
from api.posts import routes as posts
from api.ratings import routes as ratings
from api.system import meta
from api.tenants import public as sites
from api.tenants import routes as tenants
from api.webhooks import routes as webhooks
from api.webmention import routes as webmention

# The public read path comes first: routes are matched in order, and it is the hot path.
ROUTERS: list[APIRouter] = [
    sites.router,
    blogs_public.router,
    posts_public.router,
    feeds.router,
    meta.router,
    accounts.router,
    mail.router,
    tenants.router,
    members.router,
    licensing.router,
    blogs.router,
    posts.router,
    comments.router,
    ratings.router,
    moderation.router,
    insights.router,
    insights_headline.router,
    webhooks.router,
    portability.router,
    imports.router,
    imports_public.router,
    federation.router,
    federation_blocks.router,
    webmention.router,
]

# Routers mounted at the host's root, where other servers look for them.
ROOT_ROUTERS: list[APIRouter] = [well_known.router]

# The OpenAPI tags, in the order a reader meets them.
TAGS: list[tuple[str, str]] = [
    ("sites", "The public site of a tenant: its config, blogs, posts, tags, authors, feeds."),
    ("conversation", "Readers' comments, reports and votes on a public site."),
    ("auth", "Signing in and out, refreshing tokens, signing up to a site."),
    ("meta", "What the API is, and the pages that explain each problem code."),
    ("tenants", "A tenant: its settings, branding, domains; provisioning (billing)."),
    ("members", "A tenant's members and invitations."),
    ("api-keys", "Tenant content keys and platform keys."),
    ("audit", "Who did what in a tenant."),
    ("plans", "The licence catalogue: quotas and features."),
    ("subscriptions", "A tenant's subscription, its history and its usage."),
    ("blogs", "A tenant's blogs and who writes for them."),
    ("posts", "Writing, publishing and revising posts."),
    ("moderation", "The moderation queue and decisions."),
    ("insights", "Engagement, rankings, tone and moderation figures."),
    ("webhooks", "Signed webhooks: endpoints, their secrets and the delivery log."),
    (
        "portability",
        "Taking everything away: full exports of a tenant (JSON format `causerie-export`, "
        "documented in the README, and a WordPress WXR 1.2 file) and readers' rights over "
        "their data (access, portability, erasure).",
    ),
    ("imports", "Imports from WordPress and Ghost, run as jobs, and their progress."),
    ("federation", "ActivityPub: each blog's actor, outbox, followers, inbox; discovery."),
    ("webmention", "Webmention: the endpoint where other sites mention a site's posts."),
    ("system", "Health, readiness and metrics."),
]
