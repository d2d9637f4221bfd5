"""Routers, one module per resource. ``ROUTERS`` are mounted under ``/v1``."""

from fastapi import APIRouter

from api.routers import (
    api_keys,
    audit,
    auth,
    blogs,
    comments,
    insights,
    members,
    meta,
    moderation,
    plans,
    posts,
    public,
    sites,
    subscriptions,
    tenants,
)

ROUTERS: list[APIRouter] = [
    meta.router,
    auth.router,
    tenants.router,
    members.router,
    api_keys.router,
    audit.router,
    public.router,
    sites.router,
    plans.router,
    subscriptions.router,
    blogs.router,
    posts.router,
    comments.router,
    moderation.router,
    insights.router,
]
