"""The Webmention endpoint of a site (W3C Recommendation, "Receiving Webmentions").

``POST /v1/sites/{tenant}/webmention`` with a form-encoded ``source`` and ``target``.
The request is checked at once (400 for URLs that are not absolute http(s), a source
equal to its target, a target that is not a public post of this site — another site's
post included, with the same words, so nothing is revealed). A target is a post's page or
document on the platform's host, or on one of the site's own domains (``tenant_domains``:
``https://{domain}/blogs/{blog}/{post}``, the theme's address there); then the mention is kept
and answered 202, and the worker fetches the source and decides (``receiving.py``).
A source on a blocked domain is answered 202 and dropped. One source host may send a
site ``webmention_per_minute`` mentions a minute (429 past it). Only sites whose plan
has the ``federation`` feature take mentions (404 otherwise).
"""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import Form, Request, Response

from api.access import get_services
from api.federation.actors import federated
from api.kit.routing import new_router
from api.kit.sites import SiteDep
from api.problems import ApiProblem
from domain.federation.model import is_blocked
from domain.kernel import clock
from domain.kernel.errors import NotFound, RateLimited
from domain.webmention.model import (
    MentionRejected,
    PostAddress,
    check_request,
    host_of,
    post_address,
    site_post_address,
)
from persistence.posts.public_reads import public_reader
from persistence.webmention.repositories import SqlWebmentionStore, enqueue_mention

router = new_router(tags=["webmention"])
log = structlog.get_logger("causerie.webmention")

RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted: the source will be fetched and checked"},
    400: {"description": "Not a valid mention (URLs, same page, target not a post here)"},
    404: {"description": "No such site, or the site takes no mentions"},
    422: {"description": "The form lacks a source or a target"},
    429: {"description": "Too many mentions from this source's host"},
}

UrlField = Annotated[str, Form(min_length=1, max_length=2000)]


@router.post(
    "/sites/{tenant}/webmention",
    operation_id="webmention-receive",
    summary="Receive a Webmention (answered 202; verified by the worker)",
    status_code=202,
    responses=RESPONSES,
    response_class=Response,
)
async def receive(request: Request, site: SiteDep, source: UrlField, target: UrlField) -> Response:
    if not federated(site.row.features):
        raise NotFound("This site takes no mentions.")
    services = get_services(request)
    try:
        source, target = check_request(source, target)
        address = post_address(services.settings.base_url, target)
        if address is None:
            address = await _on_own_domain(request, site.row.slug, target)
        if address is None or address.tenant != site.row.slug:
            raise MentionRejected("The target is not a public post of this site.")
    except MentionRejected as refused:
        raise ApiProblem("bad_request", refused.detail) from refused
    host = host_of(source)
    per_minute = services.settings.webmention_per_minute
    verdict = await services.limiter.hit("webmention", f"{site.row.slug}:{host}", per_minute)
    if not verdict.allowed:
        raise RateLimited(
            f"At most {per_minute} mentions a minute from one host.",
            retry_after_seconds=verdict.retry_after,
        )
    db = request.app.state.db
    async with public_reader(db, site.row.id) as reader:
        post = await reader.post(address.blog, address.post)
    if post is None:
        raise ApiProblem("bad_request", "The target is not a public post of this site.")
    async with db.transaction(tenant_id=site.row.id) as tx:
        store = SqlWebmentionStore(tx)
        if is_blocked(host, await store.blocked_domains()):
            log.info("webmention dropped", tenant=site.row.slug, source=source, why="blocked")
            return Response(status_code=202)
        mention_id = await store.receive(post["id"], source, target, clock.now())
        await enqueue_mention(tx, site.row.id, mention_id)
        await tx.commit()
    log.info("webmention received", tenant=site.row.slug, source=source, target=target)
    return Response(status_code=202)


async def _on_own_domain(request: Request, slug: str, target: str) -> PostAddress | None:
    """The post a target on one of this tenant's custom domains names (``tenant_domains``,
    through the host cache the theme's and CORS's look-ups share); None elsewhere."""
    found = site_post_address(slug, target)
    if found is None:
        return None
    host, address = found
    services = get_services(request)
    owner = await services.hosts.slug_for(request.app.state.db, host)
    return address if owner == slug else None
