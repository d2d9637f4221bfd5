"""The export job on the worker: two transactions, the first marks the export running
(so the console sees it start), the second reads the tenant and stores the archive.

A job whose worker died is claimed again by another (pgqueuer's lease): the export is
then still ``running`` and is built again from the start, since nothing of the first
attempt was committed but its start. An error while building marks it ``failed``, with
the reason kept short; the job itself is done (asking again starts a new export).
"""

from __future__ import annotations

from uuid import UUID

import structlog

from api.portability import archive
from api.settings import Settings
from domain.portability import use_cases
from persistence.database import Database
from persistence.uow import SqlUnitOfWork

log = structlog.get_logger("causerie.exports")


class ExportRunner:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings

    async def run(self, tenant_id: UUID, export_id: UUID) -> bool:
        """Build one export; False when there was nothing to do."""
        async with SqlUnitOfWork(self.db, tenant_id=tenant_id) as uow:
            export = await use_cases.start_export(uow, export_id)
        if export is None:
            return False
        try:
            async with SqlUnitOfWork(self.db, tenant_id=tenant_id) as uow:
                size = await use_cases.build_export(
                    uow, export_id, archive.writer(self.settings.base_url)
                )
        except Exception as exc:
            log.exception("export failed", tenant_id=str(tenant_id), export_id=str(export_id))
            async with SqlUnitOfWork(self.db, tenant_id=tenant_id) as uow:
                await use_cases.fail_export(uow, export_id, f"{type(exc).__name__}")
            return True
        log.info("exported", tenant_id=str(tenant_id), export_id=str(export_id), bytes=size)
        return True
