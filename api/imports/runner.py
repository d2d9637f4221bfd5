"""Where uploads are kept and how the worker runs an import job.

An upload is kept in ``<data_dir>/imports/<tenant>/<import>.upload`` (the API and the
workers share ``data_dir``); it is read twice by the run (authors first, then items),
each time as a stream.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO
from uuid import UUID

from api.adapters.ghost_export import GhostReader
from api.adapters.import_html import ImportedHtmlCleaner
from api.adapters.wxr import WxrReader
from api.bootstrap import Services
from domain.imports import use_cases
from domain.imports.model import BadExport, ImportFormat, ImportJob
from domain.imports.ports import ExportReader
from persistence.database import Database
from persistence.uow import SqlUnitOfWork


def upload_path(services: Services, tenant_id: UUID, import_id: UUID) -> Path:
    return Path(services.settings.data_dir) / "imports" / str(tenant_id) / f"{import_id}.upload"


def sniff(head: bytes) -> ImportFormat:
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"<":
        return ImportFormat.WXR
    if first in (b"{", b"["):
        return ImportFormat.GHOST
    raise BadExport(
        "The file is neither a WordPress export (XML) nor a Ghost export (JSON).",
        extra={"reason": "wrong_format"},
    )


def reader_for(fmt: ImportFormat, stream: IO[bytes], site_url: str | None) -> ExportReader:
    if fmt is ImportFormat.WXR:
        return WxrReader(stream)
    return GhostReader(stream, site_url)


def tools(services: Services) -> use_cases.Tools:
    return use_cases.Tools(
        text=services.text,
        comment_text=services.comment_text,
        html=ImportedHtmlCleaner(),
        tone=services.tone,
    )


async def run(
    db: Database,
    services: Services,
    tenant_id: UUID,
    import_id: UUID,
    *,
    fault: Callable[[int], None] | None = None,
) -> ImportJob:
    path = upload_path(services, tenant_id, import_id)
    opened: list[IO[bytes]] = []
    site_url: dict[str, str | None] = {"url": None}
    fmt: dict[str, ImportFormat] = {}

    def open_reader() -> ExportReader:
        stream = path.open("rb")
        opened.append(stream)
        if "fmt" not in fmt:
            fmt["fmt"] = sniff(stream.read(64))
            stream.seek(0)
        return reader_for(fmt["fmt"], stream, site_url["url"])

    async with SqlUnitOfWork(db, tenant_id=tenant_id) as uow:
        job = await uow.imports.get(import_id)
        if job is not None:
            site_url["url"] = job.options.site_url
    try:
        return await use_cases.run_import(
            lambda: SqlUnitOfWork(db, tenant_id=tenant_id),
            tenant_id,
            import_id,
            open_reader,
            tools(services),
            fault=fault,
        )
    finally:
        for stream in opened:
            stream.close()
