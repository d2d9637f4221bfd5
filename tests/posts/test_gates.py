"""Every route of the blogs and posts slices declares its access with one gate, and the
gate is the one the slice means (the use cases keep the finer rules)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from api.blogs import public as blogs_public
from api.blogs import routes as blogs
from api.posts import feeds
from api.posts import public as posts_public
from api.posts import routes as posts
from domain.kernel.access import Action
from tests.gates import declared, routes_of

EXPECTED: dict[str, tuple[str, Action | None]] = {
    "blogs-list": ("tenant", Action.USE_CONSOLE),
    "blogs-create": ("tenant", Action.WRITE_POSTS),
    "blogs-get": ("tenant", Action.USE_CONSOLE),
    "blogs-update": ("tenant", Action.USE_CONSOLE),
    "blog-authors-list": ("tenant", Action.USE_CONSOLE),
    "blog-authors-set": ("tenant", Action.USE_CONSOLE),
    "blog-authors-remove": ("tenant", Action.USE_CONSOLE),
    "posts-list": ("tenant", Action.USE_CONSOLE),
    "posts-get": ("tenant", Action.USE_CONSOLE),
    "posts-create": ("tenant", Action.WRITE_POSTS),
    "posts-update": ("tenant", Action.USE_CONSOLE),
    "posts-publish": ("tenant", Action.USE_CONSOLE),
    "posts-unpublish": ("tenant", Action.USE_CONSOLE),
    "posts-archive": ("tenant", Action.USE_CONSOLE),
    "posts-unarchive": ("tenant", Action.USE_CONSOLE),
    "posts-delete": ("tenant", Action.USE_CONSOLE),
    "posts-restore": ("tenant", Action.EDIT_ANY_POST),
    "post-revisions-list": ("tenant", Action.USE_CONSOLE),
    "post-revisions-get": ("tenant", Action.USE_CONSOLE),
    "post-revisions-restore": ("tenant", Action.USE_CONSOLE),
    **{
        op: ("public", Action.READ_PUBLISHED)
        for op in (
            "sites-blogs-list",
            "sites-blogs-get",
            "sites-posts-list",
            "sites-posts-get",
            "sites-tags-list",
            "sites-authors-get",
            "sites-feed-atom",
            "sites-blogs-feed-atom",
            "sites-feed-json",
            "sites-sitemap",
        )
    },
}

ROUTES = routes_of(blogs, posts, blogs_public, posts_public, feeds)


def test_every_route_of_the_slices_is_listed():
    assert sorted(r.operation_id or "" for r in ROUTES) == sorted(EXPECTED)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_route_declares_one_gate(route: APIRoute):
    assert declared(route) == EXPECTED[route.operation_id or ""]
