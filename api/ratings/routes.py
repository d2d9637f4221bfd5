"""Rating a site's posts under ``/v1/sites/{tenant}/posts/{post_id}/rating``: one vote
of 1 to 5 stars per reader (signed in, or anonymous by a voter token where the site
allows it), the post's summary, and the caller's own vote."""

from __future__ import annotations

import hashlib
from typing import Annotated
from uuid import UUID

from fastapi import Header, Request, Response

from api.access import (
    Contributes,
    ServicesDep,
    TenantActor,
    TenantSlug,
    client_ip,
)
from api.bootstrap import Services
from api.kit.fingerprints import ip_fingerprint
from api.kit.routing import new_router
from api.kit.sites import CONTRIBUTION_PROBLEMS, SiteReaderDep
from api.ratings.schemas import VOTER_TOKEN_PATTERN, RatingPut, RatingRead
from domain.kernel.access import Action
from domain.kernel.errors import RateLimited
from domain.ratings import use_cases
from domain.tenants.model import TenantSettings

router = new_router(tags=["conversation"])


def anonymous_ratings(settings: TenantSettings) -> bool:
    """Whether the tenant takes votes from readers who are not signed in."""
    return settings.anonymous_ratings


# A reader voting: members, and anonymous readers where the tenant allows it.
Voting = Annotated[TenantActor, Contributes(Action.COMMENT_RATE, anonymous_if=anonymous_ratings)]

VoterHeader = Annotated[
    str | None,
    Header(
        alias="X-Voter-Token",
        pattern=VOTER_TOKEN_PATTERN,
        description="Anonymous voters: the opaque token the theme keeps (16-128 of A-Z a-z 0-9 _ -).",
    ),
]


def _token_hash(header: str | None, body_token: str | None) -> bytes | None:
    token = header or body_token
    return hashlib.sha256(token.encode()).digest() if token else None


async def _limit_votes(request: Request, services: Services, tenant_slug: str) -> None:
    """Votes per client address: fresh voter tokens cannot stuff the ballot box."""
    fingerprint = ip_fingerprint(services, tenant_slug, client_ip(request))
    per_minute = services.settings.ratings_per_ip_per_minute
    verdict = await services.limiter.hit("ratings-ip", fingerprint.hex(), per_minute)
    if not verdict.allowed:
        raise RateLimited(
            f"At most {per_minute} votes a minute from one address; wait a little.",
            retry_after_seconds=verdict.retry_after,
        )


@router.get(
    "/sites/{tenant}/posts/{post_id}/rating",
    operation_id="ratings-get",
    response_model=RatingRead,
    responses={
        401: {"description": "Bad credentials"},
        404: {"description": "No such site or public post"},
    },
)
async def get_rating(
    response: Response,
    reader: SiteReaderDep,
    tenant: TenantSlug,
    post_id: UUID,
    voter_token: VoterHeader = None,
) -> RatingRead:
    """The post's rating summary and the caller's own vote (``stars`` is null when they
    have not voted). Personal, so never stored by shared caches."""
    summary, stars = await use_cases.my_rating(
        reader.uow, reader.principal, reader.site.row.id, post_id, _token_hash(voter_token, None)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return RatingRead.of(summary, stars)


@router.put(
    "/sites/{tenant}/posts/{post_id}/rating",
    operation_id="ratings-put",
    response_model=RatingRead,
    responses=CONTRIBUTION_PROBLEMS,
)
async def put_rating(
    request: Request,
    ctx: Voting,
    tenant: TenantSlug,
    post_id: UUID,
    body: RatingPut,
    services: ServicesDep,
    voter_token: VoterHeader = None,
) -> RatingRead:
    """Rate a published post 1 to 5 stars; a new vote replaces the voter's old one.
    Signed-in readers vote as themselves; anonymous readers (where the site allows it)
    by a voter token, of which only a hash is kept. Needs the plan's ``ratings``.
    Votes are limited per client address (429 with Retry-After)."""
    await _limit_votes(request, services, tenant)
    ctx.uow.public_change_limited_to(post_id)  # its summary, its page, the post lists
    summary, stars = await use_cases.rate(
        ctx.uow,
        ctx.actor,
        ctx.tenant,
        post_id,
        body.stars,
        _token_hash(voter_token, body.voter_token),
    )
    return RatingRead.of(summary, stars)


@router.delete(
    "/sites/{tenant}/posts/{post_id}/rating",
    operation_id="ratings-delete",
    response_model=RatingRead,
    responses=CONTRIBUTION_PROBLEMS,
)
async def delete_rating(
    request: Request,
    ctx: Voting,
    tenant: TenantSlug,
    post_id: UUID,
    services: ServicesDep,
    voter_token: VoterHeader = None,
) -> RatingRead:
    """Withdraw one's vote (anonymous voters send their X-Voter-Token)."""
    await _limit_votes(request, services, tenant)
    ctx.uow.public_change_limited_to(post_id)
    summary, stars = await use_cases.withdraw_rating(
        ctx.uow, ctx.actor, ctx.tenant, post_id, _token_hash(voter_token, None)
    )
    return RatingRead.of(summary, stars)
