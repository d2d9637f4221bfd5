"""Routers, one module per resource (or per slice package). ``ROUTERS`` are mounted
under ``/v1``."""

from fastapi import APIRouter

from api.blogs import public as blogs_public
from api.blogs import routes as blogs
from api.comments import routes as comments
from api.moderation import routes as moderation
from api.posts import feeds
from api.posts import public as posts_public
from api.posts import routes as posts
from api.ratings import routes as ratings
from api.routers import (
    api_keys,
    audit,
    auth,
    insights,
    members,
    plans,
    public,
    sites,
    subscriptions,
    tenants,
)
from api.system import meta

# The public read path comes first: routes are matched in order, and it is the hot path.
ROUTERS: list[APIRouter] = [
    public.router,
    blogs_public.router,
    posts_public.router,
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
