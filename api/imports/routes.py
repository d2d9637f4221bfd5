"""Imports from WordPress (WXR) and Ghost (JSON): upload a file, follow the job.

``POST /tenants/{tenant}/imports`` takes a multipart form: ``file`` (the export) and the
importer's choices as fields (``blog``: the blog's id; ``author_role``; ``categories_as``
``tags`` or ``blogs``; ``dry_run``; ``site_url`` for Ghost's ``__GHOST_URL__``). The
upload is refused early when it is over the plan's limit: by its Content-Length before a
byte is read, or as soon as the stream passes it. The file is read once there (format,
version, safety, counts, quotas: all refused before a job exists), then a job runs on the
worker. Owners and managers (and operators).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncGenerator
from typing import Annotated, Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import JSONResponse
from python_multipart.exceptions import MultipartParseError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.access import Requires, ServicesDep, TenantActor
from api.imports.runner import reader_for, sniff, upload_path
from api.imports.schemas import ImportRead
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS
from domain.imports import use_cases
from domain.imports.model import (
    BadExport,
    CategoriesAs,
    ImportOptions,
    ImportTooLarge,
    upload_limit_bytes,
)
from domain.kernel.access import Action, Role
from domain.kernel.errors import InvalidInput
from domain.licensing.quotas import plan_of
from persistence import jobs

router = new_router(tags=["imports"])

Admin = Annotated[TenantActor, Requires(Action.READ_TENANT_ADMIN)]
Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    **ADMIN_PROBLEMS,
    400: {"description": "A multipart body that cannot be read"},
    402: {"description": "The plan has no room for what the file holds"},
    409: {"description": "Another import runs in this tenant"},
    413: {"description": "The file is over the plan's upload limit"},
    422: {"description": "Not a readable export, an unsupported version, or bad choices"},
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "blog"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "blog": {"type": "string", "format": "uuid"},
                        "author_role": {
                            "type": "string",
                            "enum": ["author", "moderator", "manager"],
                        },
                        "categories_as": {"type": "string", "enum": ["tags", "blogs"]},
                        "dry_run": {"type": "boolean"},
                        "site_url": {"type": "string", "maxLength": 2000},
                    },
                }
            }
        },
    }
}


async def _limited(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise ImportTooLarge(
                f"The file is over your plan's import limit of {limit} bytes.",
                extra={"limit_bytes": limit},
            )
        yield chunk


def _options(form: Any) -> ImportOptions:
    def field(name: str, default: str = "") -> str:
        value = form.get(name, default)
        return value if isinstance(value, str) else default

    try:
        return ImportOptions(
            blog_id=UUID(field("blog")),
            author_role=Role(field("author_role", "author")),
            categories_as=CategoriesAs(field("categories_as", "tags")),
            dry_run=field("dry_run", "false").lower() in ("true", "1", "yes", "on"),
            site_url=field("site_url").strip()[:2000] or None,
        )
    except ValueError as bad:
        raise InvalidInput(f"Bad import choices: {bad}.") from bad


@router.post(
    "/tenants/{tenant}/imports",
    operation_id="imports-create",
    status_code=202,
    response_model=ImportRead,
    responses=PROBLEMS,
    openapi_extra=UPLOAD_BODY,
)
async def create_import(request: Request, ctx: Manager, services: ServicesDep) -> JSONResponse:
    """Upload an export; answers 202 with the queued job (follow it with `imports-get`)."""
    _, plan = await plan_of(ctx.uow, ctx.tenant.id)
    limit = upload_limit_bytes(plan.id, plan.quotas)
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise ImportTooLarge(
            f"The file is over your plan's import limit of {limit} bytes.",
            extra={"limit_bytes": limit},
        )
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("Send the export as multipart/form-data, in a field named file.")
    parser = MultiPartParser(request.headers, _limited(request, limit), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except (MultiPartException, MultipartParseError) as bad:
        raise InvalidInput(f"The upload is not a valid multipart form: {bad}.") from bad
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("The form has no file field.", extra={"field": "file"})
        options = _options(form)
        stream: Any = upload.file
        stream.seek(0)
        fmt = sniff(stream.read(64))
        stream.seek(0)
        reader = reader_for(fmt, stream, options.site_url)
        summary = use_cases.summary_of(reader)
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        job = await use_cases.start_import(
            ctx.uow,
            ctx.actor,
            summary,
            options,
            file_name=upload.filename or "export",
            file_size=size,
        )
        path = upload_path(services, ctx.tenant.id, job.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as kept:
            shutil.copyfileobj(stream, kept)
        raw = (await ctx.uow.connection.get_raw_connection()).driver_connection
        await jobs.enqueue_import(raw, ctx.tenant.id, job.id)
        try:
            await ctx.uow.commit()
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(kept.name)
            raise
        os.replace(kept.name, path)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as bad:
        # A JSON export whose rows have the wrong shapes (a list for an id, say).
        raise BadExport(
            f"The file could not be read: {bad}.", extra={"reason": "unreadable"}
        ) from bad
    finally:
        await form.close()
    return JSONResponse(ImportRead.of(job).model_dump(mode="json"), status_code=202)


@router.get(
    "/tenants/{tenant}/imports",
    operation_id="imports-list",
    response_model=list[ImportRead],
    responses=ADMIN_PROBLEMS,
)
async def list_imports(ctx: Admin) -> list[ImportRead]:
    """The tenant's last 50 imports, newest first."""
    return [ImportRead.of(j) for j in await use_cases.list_imports(ctx.uow, ctx.actor)]


@router.get(
    "/tenants/{tenant}/imports/{import_id}",
    operation_id="imports-get",
    response_model=ImportRead,
    responses=ADMIN_PROBLEMS,
)
async def get_import(ctx: Admin, import_id: UUID) -> ImportRead:
    """One import: its state, progress (done / total), counts and per-item warnings."""
    return ImportRead.of(await use_cases.get_import(ctx.uow, ctx.actor, import_id))


@router.post(
    "/tenants/{tenant}/imports/{import_id}/resume",
    operation_id="imports-resume",
    status_code=202,
    response_model=ImportRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Not failed, or another import runs"}},
)
async def resume_import(ctx: Manager, import_id: UUID) -> ImportRead:
    """Run a failed import again: what it imported before failing is skipped."""
    job = await use_cases.resume_import(ctx.uow, ctx.actor, import_id)
    raw = (await ctx.uow.connection.get_raw_connection()).driver_connection
    await jobs.enqueue_import(raw, ctx.tenant.id, job.id)
    await ctx.uow.commit()
    return ImportRead.of(job)
