"""Discovery at the host's root: WebFinger (``acct:blog.tenant@host`` → the blog's actor)
and NodeInfo 2.1 (what software this is, and that it speaks ActivityPub). Mounted
outside ``/v1``, where other servers look for them."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from fastapi import Query, Request, Response

from api.access import OpenCaller, get_services
from api.federation.actors import actor_url, federated
from api.kit.caching import cacheable
from api.kit.routing import new_router
from domain.federation.model import CONTENT_TYPE
from domain.kernel.errors import InvalidInput, NotFound
from persistence.federation.repositories import SqlFederationStore

router = new_router(tags=["federation"])

JRD = "application/jrd+json"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
ACCT_PATTERN = r"^acct:([a-z0-9-]{1,120})\.([a-z0-9-]{2,63})@([A-Za-z0-9.:\[\]-]{1,255})$"
_ACCT = re.compile(ACCT_PATTERN)
JSON_OBJECT: dict[str, Any] = {"schema": {"type": "object"}}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such account here"},
    422: {"description": "The resource is not an acct: URI of this host"},
}


def _host(request: Request) -> str:
    return urlsplit(get_services(request).settings.base_url).netloc.lower()


def _document(request: Request, data: dict[str, Any], media_type: str) -> Response:
    body = json.dumps(data, separators=(",", ":")).encode()
    return cacheable(request, body, media_type, {"Access-Control-Allow-Origin": "*"})


@router.get(
    "/.well-known/webfinger",
    operation_id="federation-webfinger",
    summary="WebFinger: find a blog's ActivityPub actor from its handle",
    responses={200: {"description": "A JRD", "content": {JRD: JSON_OBJECT}}, **PROBLEMS},
    response_class=Response,
)
async def webfinger(
    request: Request,
    _: OpenCaller,
    resource: str = Query(
        min_length=1,
        max_length=400,
        pattern=ACCT_PATTERN,
        description="`acct:{blog}.{site}@{host}`",
    ),
) -> Response:
    match = _ACCT.match(resource.strip())
    if match is None:
        raise InvalidInput("The resource must be acct:blog.site@host.")
    blog_slug, tenant_slug, host = match.groups()
    if host.lower() != _host(request):
        raise NotFound("No such account here.")
    site = await get_services(request).sites.get(request.app.state.db, tenant_slug)
    if site is None or not site.online or not federated(site.row.features):
        raise NotFound("No such account here.")
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        blog = await SqlFederationStore(tx).blog_by_slug(blog_slug)
    if blog is None:
        raise NotFound("No such account here.")
    base = get_services(request).settings.base_url
    actor = actor_url(base, tenant_slug, blog_slug)
    return _document(
        request,
        {
            "subject": f"acct:{blog_slug}.{tenant_slug}@{_host(request)}",
            "aliases": [actor],
            "links": [
                {"rel": "self", "type": CONTENT_TYPE, "href": actor},
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": f"{base.rstrip('/')}/sites/{tenant_slug}/blogs/{blog_slug}/",
                },
            ],
        },
        JRD,
    )


@router.get(
    "/.well-known/nodeinfo",
    operation_id="federation-nodeinfo-links",
    summary="Where this server's NodeInfo is",
    responses={
        200: {"description": "NodeInfo links", "content": {"application/json": JSON_OBJECT}}
    },
    response_class=Response,
)
async def nodeinfo_links(request: Request, _: OpenCaller) -> Response:
    base = get_services(request).settings.base_url.rstrip("/")
    return _document(
        request,
        {"links": [{"rel": NODEINFO_SCHEMA, "href": f"{base}/nodeinfo/2.1"}]},
        "application/json",
    )


@router.get(
    "/nodeinfo/2.1",
    operation_id="federation-nodeinfo",
    summary="NodeInfo 2.1: the software and the protocols it speaks",
    responses={200: {"description": "NodeInfo 2.1", "content": {"application/json": JSON_OBJECT}}},
    response_class=Response,
)
async def nodeinfo(request: Request, _: OpenCaller) -> Response:
    return _document(
        request,
        {
            "version": "2.1",
            "software": {
                "name": "causerie",
                "version": "0.1.0",
                "homepage": get_services(request).settings.base_url,
            },
            "protocols": ["activitypub"],
            "services": {"inbound": [], "outbound": ["atom1.0"]},
            "openRegistrations": False,
            # Per-tenant figures are the tenants' own business: none are given here.
            "usage": {"users": {}},
            "metadata": {},
        },
        f'application/json; profile="{NODEINFO_SCHEMA}#"',
    )
