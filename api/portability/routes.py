"""A tenant's exports, and readers' rights over their data.

Exports (``/tenants/{tenant}/exports…``): owners, managers and operators ask for one,
follow it and get a signed download link; the link itself (``…/archive``) needs no
token. Reading and exporting go on while the subscription is suspended or cancelled.

Readers' rights: a signed-in reader reads (``GET /sites/{tenant}/me/data``) or erases
(``DELETE /sites/{tenant}/me``) what the tenant holds about them; staff do the same for
one reader on their request (``/tenants/{tenant}/readers/{user_id}/data``,
``DELETE /tenants/{tenant}/readers/{user_id}``). Every one of these is audited.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, Response

from api.access import (
    Contributes,
    OpenCallerWithTransaction,
    Requires,
    ServicesDep,
    TenantActor,
    TenantSlug,
)
from api.bootstrap import Services
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS
from api.portability import links
from api.portability.schemas import ErasureRead, ExportRead, ReaderData
from domain.kernel import clock
from domain.kernel.access import Action
from domain.kernel.errors import NotFound
from domain.portability import use_cases
from domain.portability.model import Export

router = new_router(tags=["portability"])

Admin = Annotated[TenantActor, Requires(Action.READ_TENANT_ADMIN)]
Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]
Member = Annotated[TenantActor, Contributes(Action.BE_MEMBER)]

EXPORT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **ADMIN_PROBLEMS,
    404: {"description": "No such tenant (or not yours), or no such export"},
}
READER_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **ADMIN_PROBLEMS,
    404: {"description": "No such tenant (or not yours), or no such reader in it"},
    409: {"description": "This member is not a reader (staff are not erased here)"},
}
OWN_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Sign in first"},
    402: {"description": "Subscription inactive (erasing is a change)"},
    403: {"description": "Not a member of this site, or an API key"},
    404: {"description": "No such site"},
    409: {"description": "A staff member: ask the site's managers"},
}
ARCHIVE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: {"description": "The link was altered (`link_invalid`)"},
    404: {"description": "No such tenant or export, or its archive is gone"},
    410: {"description": "The link is past its time (`link_expired`)"},
    422: {"description": "Invalid input"},
}
PRIVATE = "private, no-store"


def _read(services: Services, tenant_slug: str, export: Export) -> ExportRead:
    now = clock.now()
    if not export.downloadable(now):
        return ExportRead.of(export)
    until = export.link_expiry(now)
    url = links.link(
        services.settings.base_url,
        services.hash_secret,
        tenant_slug,
        export.tenant_id,
        export.id,
        until,
    )
    return ExportRead.of(export, url, until)


@router.post(
    "/tenants/{tenant}/exports",
    operation_id="exports-create",
    status_code=202,
    response_model=ExportRead,
    responses={**EXPORT_PROBLEMS, 409: {"description": "An export is already under way"}},
)
async def create_export(tenant: TenantSlug, ctx: Admin, services: ServicesDep) -> ExportRead:
    """Ask for a full export of the tenant. A worker builds the archive; follow it with
    `exports-get` until it is `ready`, then download it through `download_url`. One at a
    time: while one is queued or running, asking again is a 409 naming it."""
    export = await use_cases.request_export(ctx.uow, ctx.actor)
    return _read(services, tenant, export)


@router.get(
    "/tenants/{tenant}/exports",
    operation_id="exports-list",
    response_model=list[ExportRead],
    responses=EXPORT_PROBLEMS,
)
async def list_exports(tenant: TenantSlug, ctx: Admin, services: ServicesDep) -> list[ExportRead]:
    """The tenant's twenty latest exports, newest first."""
    return [_read(services, tenant, e) for e in await use_cases.list_exports(ctx.uow, ctx.actor)]


@router.get(
    "/tenants/{tenant}/exports/{export_id}",
    operation_id="exports-get",
    response_model=ExportRead,
    responses=EXPORT_PROBLEMS,
)
async def get_export(
    tenant: TenantSlug, export_id: UUID, ctx: Admin, services: ServicesDep
) -> ExportRead:
    """One export: its progress, and for a ready one a fresh signed download link."""
    return _read(services, tenant, await use_cases.get_export(ctx.uow, ctx.actor, export_id))


@router.get(
    "/tenants/{tenant}/exports/{export_id}/archive",
    operation_id="exports-download",
    response_class=Response,
    responses={
        200: {
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The archive: `causerie-export.json`, `wordpress.xml`, `README.txt`.",
        },
        **ARCHIVE_PROBLEMS,
    },
)
async def download_export(
    tenant: TenantSlug,
    export_id: UUID,
    caller: OpenCallerWithTransaction,
    services: ServicesDep,
    expires: Annotated[int, Query(ge=0, le=2**40, description="The link's end, Unix time.")],
    signature: Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")],
) -> Response:
    """The archive behind a signed link (from `exports-get`): no token needed, the link is
    the credential; it works for one export until its `expires`.

    The zip holds `README.txt`, `wordpress.xml` (WXR 1.2: each blog a category, posts with
    their tags and threaded comments) and `causerie-export.json`, the format
    `causerie-export`, version 1: an object with `format`, `version`, `export` (`id`,
    `generated_at`), `tenant` (`id`, `slug`, `name`, `status`, `default_language`,
    `branding`, `settings`, times), `domains[]`, `subscription` (`plan_id`, `status`,
    `current_period_end`), `members[]` (`id`, `email`, `display_name`, `handle`, `role`,
    `joined_at`; no password hash), `blogs[]` (with `authors[]`), `tags[]` (`slug`,
    `name`), `posts[]` (`body_markdown`, `body_html`, `excerpt`, `status`, `published_at`,
    `tags[]` by slug, `rating` {`count`, `sum`, `histogram[5]`}, `comment_count`,
    `old_slugs[]`, …), `revisions[]`, `comments[]` (`parent_id` threads, author name,
    e-mail and URL, `body_markdown`, `body_html`, `status`, …), `redirects[]` (`path`,
    `post_id`: old addresses of imported posts), `commenter_standings[]` (the trust and
    ban list) and `ambassadors[]`. Ids are UUIDs, times ISO 8601 UTC. New
    fields may appear within a version; removing or changing one raises `version`."""
    uow = caller.work
    found = await uow.tenants.by_slug(tenant)
    if found is None:
        raise NotFound("No such tenant.")
    links.verify(services.hash_secret, found.id, export_id, expires, signature, clock.now())
    await uow.set_tenant(found.id)
    export, data = await use_cases.download_export(uow, found.id, export_id)
    name = f"causerie-{tenant}-{export.created_at:%Y%m%d-%H%M%S}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": PRIVATE,
        },
    )


# --- readers' rights ------------------------------------------------------------------------


@router.get(
    "/sites/{tenant}/me/data",
    operation_id="site-my-data",
    response_model=ReaderData,
    responses=OWN_PROBLEMS,
)
async def my_data(tenant: TenantSlug, ctx: Member, response: Response) -> ReaderData:
    """Everything this site holds about the signed-in reader, as JSON (GDPR Art. 15, 20)."""
    response.headers["Cache-Control"] = PRIVATE
    return ReaderData.model_validate(await use_cases.reader_data(ctx.uow, ctx.actor))


@router.get(
    "/tenants/{tenant}/readers/{user_id}/data",
    operation_id="readers-data",
    response_model=ReaderData,
    responses=READER_PROBLEMS,
)
async def reader_data(tenant: TenantSlug, user_id: UUID, ctx: Admin) -> ReaderData:
    """Everything the tenant holds about one reader, to answer their access request."""
    return ReaderData.model_validate(await use_cases.reader_data(ctx.uow, ctx.actor, user_id))


@router.delete(
    "/tenants/{tenant}/readers/{user_id}",
    operation_id="readers-erase",
    response_model=ErasureRead,
    responses=READER_PROBLEMS,
)
async def erase_reader(tenant: TenantSlug, user_id: UUID, ctx: Manager) -> ErasureRead:
    """Erase one reader from the tenant on their request (as `site-erase-me` does)."""
    return ErasureRead.of(await use_cases.erase_reader(ctx.uow, ctx.actor, user_id))


# Last of the routes (this router is the last one mounted): it ends the caller's
# membership, so a walk over every route as one member meets it after all the others.
@router.delete(
    "/sites/{tenant}/me",
    operation_id="site-erase-me",
    response_model=ErasureRead,
    responses=OWN_PROBLEMS,
)
async def erase_me(tenant: TenantSlug, ctx: Member) -> ErasureRead:
    """Leave the site and erase what it holds about you (GDPR Art. 17): your votes are
    withdrawn, your comments stay in their threads as "[deleted]" without your name, e-mail
    or address; your account elsewhere is untouched."""
    return ErasureRead.of(await use_cases.erase_reader(ctx.uow, ctx.actor))
