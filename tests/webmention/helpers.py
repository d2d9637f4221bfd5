"""Webmention tests' helpers: our post's URLs, pages that mention it, and the worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from api.worker import Worker
from tests.federation.helpers import LOCAL

BASE = "https://causerie.test"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def page_of(world: Any, blog: Any, post: Any) -> str:
    return f"{BASE}/sites/{world.slug}/blogs/{blog.slug}/{post.slug}"


def endpoint(world: Any) -> str:
    return f"/v1/sites/{world.slug}/webmention"


def h_entry(
    target: str,
    *,
    prop: str = "in-reply-to",
    name: str = "Bob Writer",
    content: str = "A fine post, and I agree.",
    author_url: str = "https://bob.example/",
    photo: str = "https://bob.example/me.png",
) -> bytes:
    return f"""<!doctype html><html><head><title>Bob's reply</title></head><body>
<article class="h-entry">
  <p>In reply to <a class="u-{prop}" href="{target}">this post</a></p>
  <div class="p-author h-card">
    <a class="p-name u-url" href="{author_url}">{name}</a>
    <img class="u-photo" src="{photo}" alt="">
  </div>
  <div class="e-content">{content}</div>
</article></body></html>""".encode()


def worker(db: Any, settings: Any, **extra: Any) -> Worker:
    return Worker(db, settings.model_copy(update={**LOCAL, **extra}))


async def rows(db: Any, tenant_id: Any, sql: str, **params: Any) -> list[Any]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        return list(await tx.connection.execute(text(sql), params))


async def verify_all(w: Worker, tenant_id: Any) -> list[str | None]:
    """Run the verification of every mention waiting (what the worker's jobs do)."""
    waiting = await rows(
        w.db, tenant_id, "SELECT id FROM webmentions WHERE state = 'pending' ORDER BY received_at"
    )
    return [await w.mentions.verify(tenant_id, r.id) for r in waiting]
