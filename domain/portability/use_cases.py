"""Exports of a tenant, and readers' rights over their own data (GDPR Art. 15, 17, 20).

Exports: staff ask for one (the route admits owners, managers and operators, also
while the subscription is suspended or cancelled: reading one's own data is never a
write); a worker job builds the archive; a signed link, made on each read of a ready
export, downloads it until the archive's time runs out. Every step is audited.

Readers: a reader (or staff, on the reader's request) reads everything the tenant
holds about them, or erases them from the tenant: their membership goes, their votes
go (each subtracted from its post's summary, so the summaries stay exact), their
comments stay in their threads with the author's identity removed.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID, uuid4

from domain.kernel import clock
from domain.kernel.access import Actor, Principal, Role
from domain.kernel.errors import Conflict, Forbidden, NotFound
from domain.portability.model import (
    ARCHIVE_TTL,
    ERASED_NAME,
    FORMAT_VERSION,
    READER_FORMAT_NAME,
    READER_FORMAT_VERSION,
    Erasure,
    Export,
    ExportStatus,
)
from domain.portability.ports import ArchiveWriter, PortabilityUnitOfWork
from domain.tenants.use_cases import audit

# The download link is the credential: nobody signed in made the request.
_NOBODY = Principal()

# --- exports --------------------------------------------------------------------------------


async def request_export(uow: PortabilityUnitOfWork, actor: Actor) -> Export:
    """Queue an export; one already queued or running is a 409 naming it."""
    now = clock.now()
    await uow.portability.expire_exports(now)
    running = await uow.portability.active_export()
    if running is not None:
        raise Conflict(f"An export of this tenant is already under way: {running.id}.")
    export = Export(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        status=ExportStatus.QUEUED,
        requested_by=actor.user_id,
        format_version=FORMAT_VERSION,
        items_done=0,
        items_total=0,
        size_bytes=None,
        sha256=None,
        error=None,
        created_at=now,
        started_at=None,
        finished_at=None,
        expires_at=None,
    )
    await uow.portability.add_export(export)
    await uow.portability.enqueue_export(export.id)
    await audit(uow, actor, "export.requested", "export", export.id)
    uow.public_site_unchanged()
    await uow.commit()
    return export


async def list_exports(uow: PortabilityUnitOfWork, actor: Actor, limit: int = 20) -> list[Export]:
    await uow.portability.expire_exports(clock.now())
    exports = await uow.portability.exports(limit)
    uow.public_site_unchanged()
    await uow.commit()
    return exports


async def get_export(uow: PortabilityUnitOfWork, actor: Actor, export_id: UUID) -> Export:
    await uow.portability.expire_exports(clock.now())
    export = await uow.portability.export(export_id)
    if export is None:
        raise NotFound("No such export.")
    uow.public_site_unchanged()
    await uow.commit()
    return export


async def download_export(
    uow: PortabilityUnitOfWork, tenant_id: UUID, export_id: UUID
) -> tuple[Export, bytes]:
    """The archive of a ready export, for a link whose signature was checked already."""
    now = clock.now()
    export = await uow.portability.export(export_id)
    if export is None or export.tenant_id != tenant_id:
        raise NotFound("No such export.")
    data = await uow.portability.archive(export_id) if export.downloadable(now) else None
    if data is None:
        raise NotFound("This export's archive has expired; ask for a new export.")
    await audit(
        uow,
        Actor(principal=_NOBODY, tenant_id=tenant_id, role=None),
        "export.downloaded",
        "export",
        export_id,
        size_bytes=len(data),
    )
    uow.public_site_unchanged()
    await uow.commit()
    return export, data


async def start_export(uow: PortabilityUnitOfWork, export_id: UUID) -> Export | None:
    """The worker's first step, committed on its own so the console sees it running
    (with the number of items to come). None when the export is not queued any more:
    a job run twice does the work once."""
    export = await uow.portability.start_export(export_id, clock.now())
    uow.public_site_unchanged()
    await uow.commit()
    return export


async def build_export(uow: PortabilityUnitOfWork, export_id: UUID, write: ArchiveWriter) -> int:
    """The worker's second step: one transaction reads the whole tenant (a consistent
    picture), writes the archive and keeps it for ``ARCHIVE_TTL``."""
    snapshot = await uow.portability.snapshot()
    snapshot["export"] = {"id": str(export_id), "generated_at": clock.now().isoformat()}
    data = write(snapshot)
    finished = clock.now()
    await uow.portability.finish_export(
        export_id, data, hashlib.sha256(data).hexdigest(), finished, finished + ARCHIVE_TTL
    )
    uow.public_site_unchanged()
    await uow.commit()
    return len(data)


async def fail_export(uow: PortabilityUnitOfWork, export_id: UUID, error: str) -> None:
    await uow.portability.fail_export(export_id, error[:500], clock.now())
    uow.public_site_unchanged()
    await uow.commit()


# --- readers' rights ------------------------------------------------------------------------


async def _reader(uow: PortabilityUnitOfWork, actor: Actor, user_id: UUID) -> None:
    """The person must be a reader of the tenant; staff members are handled as members
    (their posts need an author), so erasing one is refused."""
    role, _ = await uow.tenants.standing(actor.tenant_id, user_id)
    if role is None:
        raise NotFound("No such reader in this tenant.")
    if role is not Role.READER:
        raise Conflict(
            "Only readers are erased here; change this member's role to reader first "
            "(their posts and moderation stay with the tenant)."
        )


async def reader_data(
    uow: PortabilityUnitOfWork, actor: Actor, user_id: UUID | None = None
) -> dict[str, Any]:
    """Everything the tenant holds about a reader: their own (``user_id`` None), or, for
    staff, one reader's on that reader's request."""
    subject = _subject(actor, user_id)
    await _reader(uow, actor, subject)
    data = await uow.portability.reader_data(subject)
    document = {
        "format": READER_FORMAT_NAME,
        "version": READER_FORMAT_VERSION,
        "generated_at": clock.now().isoformat(),
        **data,
    }
    await audit(uow, actor, "reader.data_exported", "user", subject, by_self=user_id is None)
    uow.public_site_unchanged()
    await uow.commit()
    return document


async def erase_reader(
    uow: PortabilityUnitOfWork, actor: Actor, user_id: UUID | None = None
) -> Erasure:
    """Erase a reader from the tenant (their own account there, or one reader's on their
    request): membership, votes, reports and standing go; comments are anonymised."""
    subject = _subject(actor, user_id)
    await _reader(uow, actor, subject)
    erasure = await uow.portability.erase_reader(subject, ERASED_NAME)
    await audit(
        uow,
        actor,
        "reader.erased",
        "user",
        subject,
        by_self=user_id is None,
        comments_anonymised=erasure.comments_anonymised,
        ratings_removed=erasure.ratings_removed,
        reports_removed=erasure.reports_removed,
    )
    await uow.commit()
    return erasure


def _subject(actor: Actor, user_id: UUID | None) -> UUID:
    if user_id is None:
        if actor.user_id is None:
            raise Forbidden("Only a signed-in reader has data of their own here.")
        return actor.user_id
    return user_id
