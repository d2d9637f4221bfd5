"""Routers, one module per resource. ``ROUTERS`` are mounted under ``/v1``."""

from fastapi import APIRouter

from api.accounts import routes as accounts
from api.members import routes as members
from api.routers import (
    blogs,
    comments,
    feeds,
    insights,
    moderation,
    plans,
    posts,
    public,
    subscriptions,
)
from api.system import meta
from api.tenants import public as sites
from api.tenants import routes as tenants

# The public read path comes first: routes are matched in order, and it is the hot path.
ROUTERS: list[APIRouter] = [
    sites.router,
    public.router,
    feeds.router,
    meta.router,
    accounts.router,
    tenants.router,
    members.router,
    plans.router,
    subscriptions.router,
    blogs.router,
    posts.router,
    comments.router,
    moderation.router,
    insights.router,
]
