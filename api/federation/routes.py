"""ActivityPub, one actor per blog: the actor document, its outbox (public posts as
``Create`` of ``Article``), its followers (the count is public, the list is not), each
article, and the inboxes (the blog's own and the site's shared one).

Reads are public and cacheable like the rest of a site; a tenant whose plan has no
``federation`` feature has no actors (404). An inbox POST is parsed first (422 for what
is not an activity), then rate-limited per sending instance (429), then its HTTP
signature is verified against the sender's key, fetched through the outbound guard
(401 when anything is wrong). A verified activity is answered 202, whatever it was:
unknown ones are accepted and ignored.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import structlog
from fastapi import Query, Request, Response
from pydantic import Field

from api.access import get_services, request_id
from api.adapters.federation_keys import SignerSource, html_to_text, verified_sender
from api.adapters.http_signatures import Signer, key_id_of
from api.bootstrap import Services
from api.federation.actors import (
    actor_url,
    article_source,
    blog_actor,
    ensure_key,
    federated,
)
from api.kit.caching import PRIVATE, cacheable, json_answer
from api.kit.routing import new_router
from api.kit.schemas import StrictModel
from api.kit.sites import READ_PROBLEMS, SiteDep, SlugPath
from api.public_cache import cached
from api.site_cache import Site
from domain.federation import model, use_cases
from domain.federation.model import (
    CONTENT_TYPE,
    MAX_ACTIVITY_BYTES,
    OUTBOX_PAGE,
    ActivityRejected,
    BlogActor,
    SignatureRejected,
    domain_of,
    is_blocked,
)
from domain.kernel import clock
from domain.kernel.errors import NotFound, RateLimited
from persistence.federation.repositories import SqlFederationStore
from persistence.uow import SqlUnitOfWork

router = new_router(tags=["federation"])
log = structlog.get_logger("causerie.federation")

AP_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An ActivityStreams document",
        "content": {CONTENT_TYPE: {"schema": {"type": "object"}}},
    },
    **READ_PROBLEMS,
    401: {"description": "Signed fetches only, and the GET is unsigned or badly signed"},
}
INBOX_PROBLEMS: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted (acted on, or ignored when unknown or unsupported)"},
    400: {"description": "A request the server cannot read"},
    401: {"description": "Not signed, or the signature, Date or Digest does not hold"},
    404: {"description": "No such site or blog, or the site does not federate"},
    413: {"description": "The activity is too large"},
    422: {"description": "The body is not an activity"},
    429: {"description": "Too many activities from this instance"},
}
# The inbox reads its body itself (the signature covers the very bytes): declared here.
ACTIVITY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            media: {
                "schema": {
                    "type": "object",
                    "required": ["type", "id", "actor"],
                    "properties": {
                        "type": {"type": "string", "maxLength": 100},
                        "id": {"type": "string", "maxLength": 2000},
                        "actor": {"type": "string", "maxLength": 2000},
                        "object": {},
                    },
                }
            }
            for media in (CONTENT_TYPE, "application/ld+json", "application/json")
        },
    }
}
_REACTION_OUTCOMES = frozenset({"like counted", "announce counted", "reaction undone"})
_BLOG_IN = re.compile(r"/v1/sites/[a-z0-9-]+/blogs/([a-z0-9-]+)/actor")


def _base(request: Request) -> str:
    return get_services(request).settings.base_url


def _check_federates(site: Site) -> None:
    if not federated(site.row.features):
        raise NotFound("This site does not federate.")


async def _actor(request: Request, site: Site, slug: str) -> BlogActor:
    _check_federates(site)
    db = request.app.state.db
    async with db.transaction(tenant_id=site.row.id) as tx:
        blog = await SqlFederationStore(tx).blog_by_slug(slug)
    if blog is None:
        raise NotFound("No such blog.")
    services = get_services(request)
    assert services.actor_keys is not None
    public, _ = await ensure_key(db, services.actor_keys, site.row.id, blog.id)
    return blog_actor(
        base=_base(request),
        tenant_id=site.row.id,
        tenant_slug=site.row.slug,
        branding=site.row.branding,
        blog=blog,
        public_pem=public,
    )


def _ap(request: Request, document: dict[str, Any], *, signed: bool = False) -> Response:
    """An ActivityStreams answer. One that answered a signed fetch is the requester's:
    never kept by a shared cache."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    if signed:
        return cacheable(
            request, body, CONTENT_TYPE, {"Vary": "Accept, Signature"}, cache_control=PRIVATE
        )
    return cacheable(request, body, CONTENT_TYPE, {"Vary": "Accept, Signature"})


def _secure(request: Request) -> bool:
    return get_services(request).settings.federation_signed_fetch


async def _signed_fetch(request: Request, site: Site, actor: BlogActor) -> None:
    """In secure mode, a read of a blog's collections or articles must be a GET signed
    by a remote actor (either scheme) whose domain the tenant does not block; 401
    otherwise. Our own fetch of the signer's key is signed with the blog's key."""
    services = get_services(request)
    assert services.remote_actors is not None
    headers = {k.lower(): v for k, v in request.headers.items()}
    if "signature" not in headers:
        raise SignatureRejected("This server answers signed fetches only (HTTP Signatures).")
    signer = await verified_sender(
        services.remote_actors,
        services.settings.outbound_policy,
        request.method,
        _absolute_url(request),
        headers,
        b"",
        clock.now(),
        signer=_signer(request, site, actor.slug),
    )
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        blocked = await SqlFederationStore(tx).blocked_domains()
    if is_blocked(domain_of(signer.id) or "", blocked):
        raise SignatureRejected("The signer's domain is blocked here.")


@router.get(
    "/sites/{tenant}/blogs/{blog}/actor",
    operation_id="federation-actor",
    summary="A blog's ActivityPub actor",
    responses=AP_DOCUMENT,
    response_class=Response,
)
async def get_actor(request: Request, site: SiteDep, blog: SlugPath) -> Response:
    actor = await _actor(request, site, blog)
    if not _secure(request):
        return _ap(request, model.actor_document(actor))
    # The key must stay readable to anyone, or no server could check our own signatures
    # (their key fetches are unsigned, or signed by an actor whose key they fetch from
    # us): unsigned, or signed in a way that does not hold, the key and the inbox only.
    # (Fedify signs a key fetch's @target-uri with the key id's fragment, which no
    # request carries, so its RFC 9421 fetch of ``…/actor#main-key`` cannot verify.)
    try:
        await _signed_fetch(request, site, actor)
    except SignatureRejected:
        return _ap(request, model.key_document(actor))
    return _ap(request, model.actor_document(actor), signed=True)


def _encode_before(at: datetime, post_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{post_id}".encode()).decode().rstrip("=")


def _decode_before(value: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, post_id = raw.split("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError(at)
        return moment, UUID(post_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ActivityRejected("The outbox cursor is malformed.") from exc


@router.get(
    "/sites/{tenant}/blogs/{blog}/actor/outbox",
    operation_id="federation-outbox",
    summary="A blog's outbox: its public posts as Create activities",
    responses=AP_DOCUMENT,
    response_class=Response,
)
async def get_outbox(
    request: Request,
    site: SiteDep,
    blog: SlugPath,
    page: bool = False,
    before: str | None = Query(default=None, max_length=200, pattern=r"^[A-Za-z0-9_-]+$"),
) -> Response:
    actor = await _actor(request, site, blog)
    secure = _secure(request)
    if secure:
        await _signed_fetch(request, site, actor)
    now = clock.now()
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        store = SqlFederationStore(tx)
        if not page:
            total = await store.count_public_posts(actor.blog_id, now)
            return _ap(
                request,
                {
                    "@context": model.AS_CONTEXT,
                    "id": actor.outbox,
                    "type": "OrderedCollection",
                    "totalItems": total,
                    "first": f"{actor.outbox}?page=true",
                },
                signed=secure,
            )
        position = _decode_before(before) if before else None
        rows = await store.public_posts(actor.blog_id, now, before=position, limit=OUTBOX_PAGE)
    base = _base(request)
    items = [model.create_of(actor, article_source(base, site.row.slug, blog, r)) for r in rows]
    document: dict[str, Any] = {
        "@context": [model.AS_CONTEXT, model.EXTENSIONS],
        "id": f"{actor.outbox}?page=true" + (f"&before={before}" if before else ""),
        "type": "OrderedCollectionPage",
        "partOf": actor.outbox,
        "orderedItems": items,
    }
    if len(rows) == OUTBOX_PAGE:
        last = rows[-1]
        document["next"] = (
            f"{actor.outbox}?page=true&before={_encode_before(last.published_at, last.id)}"
        )
    return _ap(request, document, signed=secure)


@router.get(
    "/sites/{tenant}/blogs/{blog}/actor/followers",
    operation_id="federation-followers",
    summary="A blog's followers: how many (who they are is not shown)",
    responses=AP_DOCUMENT,
    response_class=Response,
)
async def get_followers(request: Request, site: SiteDep, blog: SlugPath) -> Response:
    actor = await _actor(request, site, blog)
    secure = _secure(request)
    if secure:
        await _signed_fetch(request, site, actor)
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        total = await SqlFederationStore(tx).follower_count(actor.blog_id)
    return _ap(
        request,
        {
            "@context": model.AS_CONTEXT,
            "id": actor.followers,
            "type": "OrderedCollection",
            "totalItems": total,
        },
        signed=secure,
    )


@router.get(
    "/sites/{tenant}/blogs/{blog}/actor/posts/{post_id}",
    operation_id="federation-article",
    summary="A public post as an ActivityStreams Article",
    responses=AP_DOCUMENT,
    response_class=Response,
)
async def get_article(request: Request, site: SiteDep, blog: SlugPath, post_id: UUID) -> Response:
    actor = await _actor(request, site, blog)
    secure = _secure(request)
    if secure:
        await _signed_fetch(request, site, actor)
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        row = await SqlFederationStore(tx).public_post(actor.blog_id, post_id, clock.now())
    if row is None:
        raise NotFound("No such post.")
    article = model.article(actor, article_source(_base(request), site.row.slug, blog, row))
    document = {"@context": [model.AS_CONTEXT, model.EXTENSIONS], **article}
    return _ap(request, document, signed=secure)


class FediverseReactions(StrictModel):
    likes: int = Field(ge=0, description="Fediverse accounts that like the post (`Like`).")
    boosts: int = Field(ge=0, description="Fediverse accounts that boosted it (`Announce`).")


@router.get(
    "/sites/{tenant}/posts/{post_id}/reactions",
    operation_id="public-post-reactions",
    summary="A public post's likes and boosts from the fediverse",
    response_model=FediverseReactions,
    responses=READ_PROBLEMS,
)
@cached("post")
async def get_post_reactions(request: Request, site: SiteDep, post_id: UUID) -> Response:
    """How many fediverse accounts like and boosted a public post (one of each per
    account; an `Undo` takes it back). Zero for both on a site that does not federate
    (or no longer does: what was counted is not shown). 404 for a post that is not
    public. Kept by the public-read cache like the post's page, and forgotten with it
    when a like, a boost or their undo arrives."""
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        counts = await SqlFederationStore(tx).public_reaction_counts(post_id, clock.now())
    if counts is None:
        raise NotFound("No such post.")
    if not federated(site.row.features):
        counts = {kind.value: 0 for kind in model.ReactionKind}
    answer = FediverseReactions(
        likes=counts[model.ReactionKind.LIKE.value],
        boosts=counts[model.ReactionKind.ANNOUNCE.value],
    )
    return json_answer(request, answer)


# --- inboxes ------------------------------------------------------------------------


async def _read_activity(request: Request) -> tuple[bytes, dict[str, Any]]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ACTIVITY_BYTES:
        raise ActivityRejected(f"An activity has at most {MAX_ACTIVITY_BYTES} bytes.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_ACTIVITY_BYTES:
            raise ActivityRejected(f"An activity has at most {MAX_ACTIVITY_BYTES} bytes.")
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ActivityRejected("The body is not JSON (or is nested too deeply).") from exc
    return body, use_cases.check_shape(activity)


def _absolute_url(request: Request) -> str:
    """The URL the sender addressed (what RFC 9421's ``@target-uri`` covers): our public
    scheme (TLS may end at a proxy in front), the ``Host`` it sent, the path and query."""
    scheme = urlsplit(_base(request)).scheme or request.url.scheme
    host = request.headers.get("host") or request.url.netloc
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{scheme}://{host}{request.url.path}{query}"


def _signer(request: Request, site: Site, slug: str | None) -> SignerSource:
    """The blog's key, for our signed fetch of the sender's key (servers in secure
    mode answer only signed GETs): made only if the key is not cached."""

    async def source() -> Signer | None:
        name = slug
        if name is None:
            async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
                name = await SqlFederationStore(tx).first_blog_slug()
        if name is None:
            return None
        return await _blog_signer(request, site, name)

    return source


async def _blog_signer(request: Request, site: Site, slug: str) -> Signer | None:
    db = request.app.state.db
    async with db.transaction(tenant_id=site.row.id) as tx:
        blog = await SqlFederationStore(tx).blog_by_slug(slug)
    if blog is None:
        return None
    services = get_services(request)
    assert services.actor_keys is not None
    _, private = await ensure_key(db, services.actor_keys, site.row.id, blog.id)
    actor_id = actor_url(_base(request), site.row.slug, slug)
    return Signer(f"{actor_id}#main-key", private)


async def _limit(services: Services, site: Site, request: Request) -> None:
    """One instance may not flood a tenant: the budget is per tenant and per the
    signing key's host, taken before the key is fetched."""
    key_id = key_id_of({k.lower(): v for k, v in request.headers.items()})
    instance = domain_of(key_id) or "unknown"
    per_minute = services.settings.federation_inbox_per_minute
    verdict = await services.limiter.hit(
        "federation-inbox", f"{site.row.slug}:{instance}", per_minute
    )
    if not verdict.allowed:
        raise RateLimited(
            f"At most {per_minute} activities a minute from one instance.",
            retry_after_seconds=verdict.retry_after,
        )


async def _receive(request: Request, site: Site, blog_slug: str | None) -> Response:
    _check_federates(site)
    services = get_services(request)
    body, activity = await _read_activity(request)
    await _limit(services, site, request)
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert services.remote_actors is not None
    slugs = (
        [blog_slug]
        if blog_slug
        else list(dict.fromkeys(_BLOG_IN.findall(body.decode("utf-8", "replace"))))
    )
    sender = await verified_sender(
        services.remote_actors,
        services.settings.outbound_policy,
        request.method,
        _absolute_url(request),
        headers,
        body,
        clock.now(),
        signer=_signer(request, site, slugs[0] if slugs else None),
    )
    outcomes = []
    for slug in slugs or [None]:
        actor = await _actor(request, site, slug) if slug else await _any_actor(request, site)
        if actor is None:
            continue
        async with SqlUnitOfWork(
            request.app.state.db, tenant_id=site.row.id, request_id=request_id(request)
        ) as uow:
            tenant = await uow.tenants.by_slug(site.row.slug)
            if tenant is None:
                raise NotFound("No such site.")
            inbox = use_cases.Inbox(
                store=uow.federation,
                comments=uow.comments,
                blog=actor,
                settings=tenant.settings,
                renderer=services.comment_text,
                tone=services.tone,
                to_text=html_to_text,
                record=uow.record,
            )
            outcome = await use_cases.receive(inbox, activity, sender)
            outcomes.append(outcome)
            if outcome in _REACTION_OUTCOMES:
                # Likes and boosts show on their post only (its reactions, its page).
                if inbox.reacted:
                    uow.public_change_limited_to(*inbox.reacted)
                else:  # a like delivered twice, an undo of nothing
                    uow.public_site_unchanged()
            await uow.commit()
    log.info(
        "activity received",
        tenant=site.row.slug,
        type=activity["type"],
        actor=sender.id,
        outcomes=outcomes,
    )
    return Response(status_code=202)


async def _any_actor(request: Request, site: Site) -> BlogActor | None:
    """For a shared-inbox activity that names no blog of ours (an actor's Delete): the
    tenant's first blog stands in (replies and reactions are the tenant's, not a blog's)."""
    async with request.app.state.db.transaction(tenant_id=site.row.id) as tx:
        slug = await SqlFederationStore(tx).first_blog_slug()
    return await _actor(request, site, slug) if slug else None


@router.post(
    "/sites/{tenant}/blogs/{blog}/actor/inbox",
    operation_id="federation-inbox",
    summary="A blog's ActivityPub inbox (HTTP Signatures required)",
    status_code=202,
    responses=INBOX_PROBLEMS,
    response_class=Response,
    openapi_extra=ACTIVITY_BODY,
)
async def post_inbox(request: Request, site: SiteDep, blog: SlugPath) -> Response:
    return await _receive(request, site, blog)


@router.post(
    "/sites/{tenant}/inbox",
    operation_id="federation-shared-inbox",
    summary="The site's shared ActivityPub inbox (HTTP Signatures required)",
    status_code=202,
    responses=INBOX_PROBLEMS,
    response_class=Response,
    openapi_extra=ACTIVITY_BODY,
)
async def post_shared_inbox(request: Request, site: SiteDep) -> Response:
    return await _receive(request, site, None)
