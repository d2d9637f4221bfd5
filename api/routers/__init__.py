"""Routers, one module per resource (or per slice package). ``ROUTERS`` are mounted
under ``/v1``."""

from fastapi import APIRouter

from api.accounts import routes as accounts
from api.blogs import public as blogs_public
from api.blogs import routes as blogs
from api.comments import routes as comments
from api.members import routes as members
from api.moderation import routes as moderation
from api.posts import feeds
from api.posts import public as posts_public
from api.posts import routes as posts
from api.ratings import routes as ratings
from api.routers import (
    insights,
    plans,
    subscriptions,
)
from api.system import meta
from api.tenants import public as sites
from api.tenants import routes as tenants

# The public read path comes first: routes are matched in order, and it is the hot path.
ROUTERS: list[APIRouter] = [
    sites.router,
    blogs_public.router,
    posts_public.router,
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
    ratings.router,
    moderation.router,
    insights.router,
]
