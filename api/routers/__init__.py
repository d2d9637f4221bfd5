"""Routers, one module per resource. ``ROUTERS`` are mounted under ``/v1``."""

from fastapi import APIRouter

from api.insights import routes as insights
from api.licensing import routes as licensing
from api.routers import (
    api_keys,
    audit,
    auth,
    blogs,
    comments,
    feeds,
    members,
    moderation,
    posts,
    public,
    sites,
    tenants,
)
from api.system import meta

# The public read path comes first: routes are matched in order, and it is the hot path.
ROUTERS: list[APIRouter] = [
    public.router,
    feeds.router,
    meta.router,
    auth.router,
    tenants.router,
    members.router,
    api_keys.router,
    audit.router,
    sites.router,
    licensing.router,
    blogs.router,
    posts.router,
    comments.router,
    moderation.router,
    insights.router,
]
