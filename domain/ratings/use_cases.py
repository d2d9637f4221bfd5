"""Rating use cases: vote, withdraw a vote, read the summary and one's own vote.

The summary on the post row changes in the same transaction as the votes. A vote first
takes a lock of its own voter on the post (one voter's racing requests go one after the
other; different voters do not wait for each other), writes the vote, and only then, as
its last statement, adds the change to the post's counters in one relative update: the
post row's lock is held from that update to the commit, so a hot post's votes queue only
for that short step, and the counters stay exact because each update adds to the row as
the previous commit left it.
"""

from __future__ import annotations

from uuid import UUID

from domain.kernel import clock
from domain.kernel.access import Actor, Principal, require_contributor
from domain.kernel.errors import InvalidInput, NotFound
from domain.kernel.events import DomainEvent, EventType
from domain.licensing.model import Feature
from domain.licensing.quotas import ensure_feature
from domain.ratings.model import RatingSummary, Voter, check_stars
from domain.ratings.ports import RatedPost, RatingsUnitOfWork
from domain.tenants.model import Tenant


async def _public_post(uow: RatingsUnitOfWork, post_id: UUID) -> RatedPost:
    post = await uow.ratings.post(post_id)
    if post is None or not post.is_public(clock.now()):
        raise NotFound("No such post.")
    return post


def _voter(actor: Actor, tenant: Tenant, token_hash: bytes | None) -> Voter:
    if require_contributor(actor, tenant.settings.anonymous_ratings, "rate"):
        return Voter(user_id=actor.user_id)
    if token_hash is None:
        raise InvalidInput("Anonymous votes need a voter token (X-Voter-Token or voter_token).")
    return Voter(token_hash=token_hash)


async def _vote(
    uow: RatingsUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    token_hash: bytes | None,
    stars: int | None,
) -> tuple[RatingSummary, int | None]:
    voter = _voter(actor, tenant, token_hash)
    await ensure_feature(uow, tenant.id, Feature.RATINGS)
    await _public_post(uow, post_id)
    await uow.ratings.hold_voter(post_id, voter)  # only this voter's requests queue here
    old = await uow.ratings.vote_of(post_id, voter)
    if stars is None:
        if old is not None:
            await uow.ratings.remove(post_id, voter)
    else:
        await uow.ratings.put(post_id, voter, stars, clock.now())
    if old != stars:
        # The last statement: the post row stays locked from here to the commit only.
        summary = await uow.ratings.add_to_summary(post_id, RatingSummary.change(old, stars))
        uow.record(rating_event(tenant.id, post_id, summary))
    else:
        summary = await uow.ratings.summary(post_id)
    await uow.commit()
    return summary, stars


def rating_event(tenant_id: UUID, post_id: UUID, summary: RatingSummary) -> DomainEvent:
    """The post's new summary; pending ones of the same post fold into the newest."""
    return DomainEvent(
        EventType.RATING_CHANGED,
        tenant_id,
        {
            "post_id": str(post_id),
            "count": summary.count,
            "average": summary.average,
            "histogram": list(summary.histogram),
        },
        coalesce_key=f"rating.changed:{post_id}",
    )


async def rate(
    uow: RatingsUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    stars: int,
    token_hash: bytes | None,
) -> tuple[RatingSummary, int | None]:
    """Vote 1 to 5 stars; a voter's new vote replaces the old one."""
    return await _vote(uow, actor, tenant, post_id, token_hash, check_stars(stars))


async def withdraw_rating(
    uow: RatingsUnitOfWork, actor: Actor, tenant: Tenant, post_id: UUID, token_hash: bytes | None
) -> tuple[RatingSummary, int | None]:
    return await _vote(uow, actor, tenant, post_id, token_hash, None)


async def my_rating(
    uow: RatingsUnitOfWork,
    principal: Principal,
    tenant_id: UUID,
    post_id: UUID,
    token_hash: bytes | None,
) -> tuple[RatingSummary, int | None]:
    """The post's summary and the caller's own vote (None when they have not voted,
    including anonymous readers without a voter token), read in ``uow`` (already in the
    site's tenant)."""
    await _public_post(uow, post_id)
    summary = await uow.ratings.summary(post_id)
    if principal.user_id is not None:
        role, _ = await uow.tenants.standing(tenant_id, principal.user_id)
        if role is not None:
            return summary, await uow.ratings.vote_of(post_id, Voter(user_id=principal.user_id))
    if token_hash is not None:
        tenant = await uow.tenants.get(tenant_id)
        if tenant is not None and tenant.settings.anonymous_ratings:
            return summary, await uow.ratings.vote_of(post_id, Voter(token_hash=token_hash))
    return summary, None
