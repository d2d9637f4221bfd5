"""From insight to action: invite a person from a ranking to write, mark ambassadors and
follow their activity, and hand them briefs to claim and write.

Owners and managers (and operators, except for invitations, which need a member's
standing) act; an ambassador who writes (an author, or staff) claims a brief and links
the post they wrote. Everything needs the full insights level of the plan, is audited,
and stays within the tenant: another tenant's person or brief is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from domain.insights.model import (
    ActivityPoint,
    AmbassadorFigures,
    Brief,
    BriefStatus,
    Bucket,
    Person,
    Window,
)
from domain.insights.ports import ActionsUnitOfWork
from domain.insights.use_cases import FULL, _gate
from domain.kernel import clock
from domain.kernel.access import Action, Actor, Role, allows, require
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.members.model import InvitationIssued
from domain.members.use_cases import invite_member
from domain.tenants.ports import Licence
from domain.tenants.use_cases import audit

WRITERS = {Role.OWNER.value, Role.MANAGER.value, Role.AUTHOR.value}
MAX_DUE_DAYS = 366  # a brief is due within a year


async def _person(uow: ActionsUnitOfWork, user_id: UUID) -> Person:
    person = await uow.ambassadors.person(user_id)
    if person is None:
        raise NotFound("No such person in this tenant.")
    return person


async def invite_to_write(
    uow: ActionsUnitOfWork,
    actor: Actor,
    user_id: UUID,
    token: str,
    token_hash: bytes,
    ttl: timedelta,
    licence: Licence,
) -> InvitationIssued:
    """One step from a ranking to an invitation to become an author: the member
    invitation, to the person's own address, which goes by mail as any invitation does
    (the answer holds the link too). Someone who already writes here is a 409."""
    require(actor, Action.MANAGE_TENANT)
    await _gate(uow, actor, FULL)
    person = await _person(uow, user_id)
    if person.role in WRITERS:
        raise Conflict("This person already writes here.", extra={"role": person.role})
    return await invite_member(
        uow, actor, person.email, Role.AUTHOR, token, token_hash, ttl, licence
    )


async def mark_ambassador(uow: ActionsUnitOfWork, actor: Actor, user_id: UUID) -> Person:
    require(actor, Action.MANAGE_TENANT)
    await _gate(uow, actor, FULL)
    person = await _person(uow, user_id)
    if await uow.ambassadors.mark(user_id, actor.user_id, clock.now()):
        await audit(uow, actor, "ambassador.marked", "user", user_id, name=person.name)
    await uow.commit()
    return replace(person, ambassador=True)


async def unmark_ambassador(uow: ActionsUnitOfWork, actor: Actor, user_id: UUID) -> None:
    require(actor, Action.MANAGE_TENANT)
    await _gate(uow, actor, FULL)
    person = await _person(uow, user_id)
    if not await uow.ambassadors.unmark(user_id):
        raise NotFound("This person is not an ambassador.")
    await audit(uow, actor, "ambassador.unmarked", "user", user_id, name=person.name)
    await uow.commit()


async def ambassadors(uow: ActionsUnitOfWork, actor: Actor, win: Window) -> list[AmbassadorFigures]:
    require(actor, Action.INSIGHTS_FULL)
    await _gate(uow, actor, FULL)
    return await uow.ambassadors.ambassadors(win.start, win.end)


@dataclass(frozen=True)
class AmbassadorActivity:
    person: Person
    points: list[ActivityPoint]


async def ambassador_activity(
    uow: ActionsUnitOfWork, actor: Actor, win: Window, bucket: Bucket, user_id: UUID
) -> AmbassadorActivity:
    """An ambassador's approved comments and published posts per bucket."""
    require(actor, Action.INSIGHTS_FULL)
    await _gate(uow, actor, FULL)
    person = await _person(uow, user_id)
    if not person.ambassador:
        raise NotFound("This person is not an ambassador.")
    sums = await uow.ambassadors.activity(user_id, win.bounds(bucket), win.start, win.end)
    points = []
    for i, day in enumerate(win.bucket_starts(bucket), start=1):
        comments, posts = sums.get(i, (0, 0))
        start = datetime(day.year, day.month, day.day, tzinfo=win.zone)
        points.append(ActivityPoint(start, comments, posts))
    return AmbassadorActivity(person, points)


# --- briefs ---------------------------------------------------------------------------------


async def _may_see_briefs(uow: ActionsUnitOfWork, actor: Actor) -> bool:
    """Staff see every brief; an ambassador who writes sees them too (to claim one)."""
    if allows(actor, Action.INSIGHTS_FULL):
        return True
    require(actor, Action.WRITE_POSTS)
    assert actor.user_id is not None
    person = await uow.ambassadors.person(actor.user_id)
    if person is None or not person.ambassador:
        raise Forbidden("Briefs are for the brand's ambassadors.")
    return False


async def create_brief(
    uow: ActionsUnitOfWork, actor: Actor, topic: str, body: str, due_on: date
) -> Brief:
    require(actor, Action.MANAGE_TENANT)
    await _gate(uow, actor, FULL)
    topic, body = topic.strip(), body.strip()
    if not topic:
        raise InvalidInput("A brief needs a topic.", extra={"field": "topic"})
    today = clock.now().date()
    if due_on < today or due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise InvalidInput(
            f"The due date must be between today and {MAX_DUE_DAYS} days from now.",
            extra={"field": "due_on"},
        )
    now = clock.now()
    brief = Brief(
        uuid4(), topic, body, due_on, BriefStatus.OPEN, actor.user_id, None, None, None, now, now
    )
    await uow.ambassadors.add_brief(brief)
    await audit(uow, actor, "brief.created", "brief", brief.id, topic=topic)
    await uow.commit()
    return brief


async def list_briefs(uow: ActionsUnitOfWork, actor: Actor) -> list[Brief]:
    await _gate(uow, actor, FULL)
    await _may_see_briefs(uow, actor)
    return await uow.ambassadors.briefs()


async def _brief(uow: ActionsUnitOfWork, brief_id: UUID) -> Brief:
    brief = await uow.ambassadors.brief(brief_id, lock=True)
    if brief is None:
        raise NotFound("No such brief.")
    return brief


async def claim_brief(uow: ActionsUnitOfWork, actor: Actor, brief_id: UUID) -> Brief:
    """An ambassador who writes takes an open brief."""
    require(actor, Action.WRITE_POSTS)
    await _gate(uow, actor, FULL)
    brief = await _brief(uow, brief_id)
    assert actor.user_id is not None
    person = await uow.ambassadors.person(actor.user_id)
    if person is None or not person.ambassador:
        raise Forbidden("Only the brand's ambassadors claim briefs.")
    if brief.status is not BriefStatus.OPEN:
        raise Conflict("This brief is already taken.", extra={"brief_status": brief.status.value})
    now = clock.now()
    claimed = replace(
        brief, status=BriefStatus.CLAIMED, claimed_by=actor.user_id, claimed_at=now, updated_at=now
    )
    await uow.ambassadors.save_brief(claimed)
    await audit(uow, actor, "brief.claimed", "brief", brief.id, topic=brief.topic)
    await uow.commit()
    return claimed


async def link_post(uow: ActionsUnitOfWork, actor: Actor, brief_id: UUID, post_id: UUID) -> Brief:
    """The ambassador who claimed the brief links the post they wrote for it."""
    require(actor, Action.WRITE_POSTS)
    await _gate(uow, actor, FULL)
    brief = await _brief(uow, brief_id)
    if brief.claimed_by != actor.user_id:
        raise Forbidden("Only the ambassador who claimed this brief links its post.")
    author = await uow.ambassadors.post_author(post_id)
    if author is None:
        raise NotFound("No such post.")
    if author != actor.user_id:
        raise Forbidden("Link a post you wrote.")
    now = clock.now()
    done = replace(brief, status=BriefStatus.DONE, post_id=post_id, updated_at=now)
    await uow.ambassadors.save_brief(done)
    await audit(uow, actor, "brief.done", "brief", brief.id, post_id=str(post_id))
    await uow.commit()
    return done
