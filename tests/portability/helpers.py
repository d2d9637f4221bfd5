"""Helpers of the portability tests: a tenant with content and conversation, and the
export job run in the test's own transaction (as the worker runs it)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from uuid import UUID

from api.portability.worker import ExportRunner
from tests.comments.helpers import seed
from tests.factories import Factory, World


def exports_url(world: World) -> str:
    return f"/v1/tenants/{world.slug}/exports"


async def lively(factory: Factory) -> tuple[World, Any, Any, dict[str, Any]]:
    """A tenant with a blog, a published post with tags, a thread of comments (one with
    awkward text) and votes by two readers."""
    world = await factory.world(anonymous_comments=True)
    blog = await factory.blog(world, "Le blog ]]> <b>")
    post = await factory.post(
        world, blog, "Premier billet", "Du *texte* et ]]> puis <script>x</script>", tags=["Café"]
    )
    first = await seed(factory, world, post.id, "reader", body="Bravo ]]> & <merci>")
    await seed(factory, world, post.id, "author", body="Merci !", parent_id=first.id)
    await seed(
        factory,
        world,
        post.id,
        "anonymous",
        body="Un passant \u0001 dit bonjour",
        author_name="Passant",
        author_email="passant@example.test",
    )
    return world, blog, post, {"first": first}


async def run_exports(factory: Factory, world: World, export_id: str) -> bool:
    runner = ExportRunner(factory.db, factory.services.settings)
    return await runner.run(world.tenant.id, UUID(export_id))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def document(files: dict[str, bytes]) -> dict[str, Any]:
    return dict(json.loads(files["causerie-export.json"]))
