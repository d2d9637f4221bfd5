"""Routers, one module per resource. ``ROUTERS`` are mounted under ``/v1``."""

from fastapi import APIRouter

from api.comments import routes as comments
from api.moderation import routes as moderation
from api.ratings import routes as ratings
from api.routers import (
    api_keys,
    audit,
    auth,
    blogs,
    feeds,
    insights,
    members,
    plans,
    posts,
    public,
    sites,
    subscriptions,
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
    plans.router,
    subscriptions.router,
    blogs.router,
    posts.router,
    comments.router,
    ratings.router,
    moderation.router,
    insights.router,
]
