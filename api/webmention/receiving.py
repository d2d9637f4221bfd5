"""Verifying a received Webmention: the worker's part (a ``webmention.receive`` job).

The source is fetched through the outbound guard (public addresses only unless the
test-only loopback setting is on; ``outbound_timeout_seconds`` and
``webmention_max_source_bytes`` cap it; no redirects). Then:

- 410 Gone or 404: the mention is withdrawn: its comment deleted, its like or repost
  uncounted (state ``deleted``);
- another failure (refused address, too large, too slow, 5xx…): ``rejected`` with the
  reason; what an earlier verification made stays;
- a page that does not link to the target: withdrawn if it had been verified, else
  ``rejected``;
- otherwise its microformats2 say what it is: ``like-of`` and ``repost-of`` are counted
  with the fediverse's likes and boosts (``federation_reactions``, kinds ``like`` and
  ``announce``); a reply (``in-reply-to``) or a plain mention becomes a comment with
  ``source: "webmention"``: the author's name (text only, 80 characters), URL and photo
  from the h-card, the text of the entry (markup stripped, then rendered like any
  comment), moderated like an anonymous comment by the tenant's policy. A mention sent
  again updates its comment (text and author) in place.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import httpx
import structlog

from api.adapters import outbound_http, webmention_html
from api.adapters.comment_text import MarkdownCommentRenderer
from api.adapters.federation_keys import html_to_text
from api.adapters.tone import default_classifier
from api.federation.actors import federated
from api.settings import Settings
from domain.comments.model import MAX_BODY_CHARS, Comment, CommentStatus, comment_payload
from domain.comments.policy import effective_policy, initial_status, spam_verdict
from domain.comments.text import body_fingerprint, clean_body
from domain.federation.model import is_blocked
from domain.kernel import clock
from domain.kernel.events import DomainEvent, EventType
from domain.tenants.model import CommentPolicy
from domain.webmention.model import (
    MAX_AUTHOR_NAME,
    MentionKind,
    MentionState,
    author_of,
    content_of,
    entry_of,
    host_of,
    kind_of,
    same_url,
)
from persistence.database import Database
from persistence.federation.repositories import site_of
from persistence.uow import SqlUnitOfWork
from persistence.webmention.repositories import SqlWebmentionStore

log = structlog.get_logger("causerie.webmention")

USER_AGENT = "Causerie-Webmention/1.0 (+https://www.w3.org/TR/webmention/)"


def _plain(value: str, limit: int) -> str:
    return " ".join(html_to_text(value).split())[:limit]


class MentionVerifier:
    def __init__(self, db: Database, settings: Settings):
        self.db, self.settings = db, settings
        self.renderer = MarkdownCommentRenderer()
        self._tone: Any = None

    @property
    def tone(self) -> Any:
        if self._tone is None:
            self._tone = default_classifier()
        return self._tone

    def _policy(self) -> outbound_http.OutboundPolicy:
        policy = self.settings.outbound_policy
        cap = min(policy.max_response_bytes, self.settings.webmention_max_source_bytes)
        return replace(policy, max_response_bytes=cap)

    async def verify(self, tenant_id: UUID, mention_id: UUID) -> str | None:
        """Check one mention; what became of it (for the logs and tests)."""
        async with SqlUnitOfWork(self.db, tenant_id=tenant_id) as uow:
            store = uow.webmentions
            row = await store.claim(mention_id)
            if row is None or row.state != MentionState.PENDING.value:
                return None
            outcome = await self._verify(uow, store, row)
            await uow.commit()
        log.info(
            "webmention verified", tenant_id=str(tenant_id), source=row.source, outcome=outcome
        )
        return outcome

    async def _verify(self, uow: SqlUnitOfWork, store: SqlWebmentionStore, row: Any) -> str:
        now = clock.now()
        site = await site_of(store.tx)
        if site is None or not federated(site.features):
            await store.settle(
                row.id, MentionState.REJECTED, now, error="The site takes no mentions."
            )
            return "rejected"
        if is_blocked(row.domain, await store.blocked_domains()):
            await self._withdraw(uow, store, row)
            await store.settle(row.id, MentionState.REJECTED, now, error="The domain is blocked.")
            return "blocked"
        try:
            answer = await outbound_http.get(
                row.source,
                headers={
                    "Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
                    "User-Agent": USER_AGENT,
                },
                policy=self._policy(),
            )
        except outbound_http.OutboundRefused as refused:
            return await self._reject(store, row, f"{refused.code}: {refused.detail}")
        except TimeoutError:
            return await self._reject(store, row, "timeout: the source did not answer in time.")
        except (httpx.HTTPError, OSError) as failed:
            return await self._reject(store, row, f"{type(failed).__name__}: {failed}")
        if answer.status in (404, 410):
            withdrawn = await self._withdraw(uow, store, row)
            await store.settle(
                row.id, MentionState.DELETED, now, error=f"The source answered {answer.status}."
            )
            return "deleted" if withdrawn else "gone"
        if not 200 <= answer.status < 300:
            return await self._reject(store, row, f"The source answered {answer.status}.")
        page = webmention_html.decode(answer.body, answer.headers.get("content-type", ""))
        links, document = await webmention_html.read_page(page, row.source)
        if not any(same_url(link, row.target) for link in links):
            withdrawn = await self._withdraw(uow, store, row)
            state = MentionState.DELETED if withdrawn else MentionState.REJECTED
            await store.settle(row.id, state, now, error="The source does not link to the target.")
            return "deleted" if withdrawn else "no link"
        entry = entry_of(document, row.target)
        kind = kind_of(entry, row.target)
        raw = author_of(document, entry)
        name = _plain(raw.name, MAX_AUTHOR_NAME) or (row.domain[:MAX_AUTHOR_NAME] or "?")
        author_url = raw.url or row.source
        values = {
            "kind": kind.value,
            "author_name": name,
            "author_url": author_url[:2000],
            "author_photo": raw.photo,
            "error": None,
        }
        if kind in (MentionKind.LIKE, MentionKind.REPOST):
            await self._drop_comment(uow, row)
            await store.react(
                row.post_id,
                "like" if kind is MentionKind.LIKE else "announce",
                author_url,
                row.source,
            )
            await store.settle(row.id, MentionState.VERIFIED, now, comment_id=None, **values)
            return kind.value
        await store.unreact(row.source)
        text = clean_body(_plain_text(content_of(entry)))[:MAX_BODY_CHARS] or row.source
        comment_id, status = await self._comment(uow, store, row, text, name, author_url, raw.photo)
        if comment_id is None:
            await store.settle(row.id, MentionState.REJECTED, now, error=status, **values)
            return status
        await store.settle(row.id, MentionState.VERIFIED, now, comment_id=comment_id, **values)
        return f"{kind.value} {status}"

    async def _reject(self, store: SqlWebmentionStore, row: Any, error: str) -> str:
        await store.settle(row.id, MentionState.REJECTED, clock.now(), error=error)
        return "rejected"

    async def _comment(
        self,
        uow: SqlUnitOfWork,
        store: SqlWebmentionStore,
        row: Any,
        text: str,
        name: str,
        author_url: str,
        photo: str | None,
    ) -> tuple[UUID | None, str]:
        now = clock.now()
        existing = await uow.comments.get(row.comment_id) if row.comment_id else None
        if existing is not None and existing.status is not CommentStatus.DELETED:
            existing.body_markdown = text
            existing.body_html = self.renderer.render(text)
            existing.body_hash = body_fingerprint(text)
            existing.author_name = name
            existing.author_url = author_url[:300]
            existing.edited_at = existing.updated_at = now
            await uow.comments.update(existing)
            await store.mark_comment(existing.id, row.source, _handle(author_url), photo)
            return existing.id, "updated"
        post = await uow.comments.post_target(row.post_id)
        if post is None or not post.is_public(now):
            return None, "The target is no longer public."
        assert store.tenant_id is not None
        tenant = await uow.tenants.get(store.tenant_id)
        assert tenant is not None
        policy = effective_policy(tenant.settings, post.blog_policy)
        if policy is CommentPolicy.CLOSED:
            return None, "Comments are closed."
        verdict = spam_verdict(
            text, blocked_words=tenant.settings.blocked_words, honeypot=None, repeated=False
        )
        status, reason = initial_status(policy, member=False, verdict=verdict)
        comment_id = uuid4()
        comment = Comment(
            id=comment_id,
            tenant_id=tenant.id,
            post_id=post.id,
            parent_id=None,
            root_id=comment_id,
            depth=0,
            author_user_id=None,
            author_name=name,
            author_email=None,
            author_url=author_url[:300],
            body_markdown=text,
            body_html=self.renderer.render(text),
            body_hash=body_fingerprint(text),
            status=status,
            held_reason=reason,
            ip_hash=None,
            created_at=now,
            updated_at=now,
            post_author_id=post.author_id,
            blog_id=post.blog_id,
            sentiment=self.tone.classify(text, post.language).value,
            source="webmention",
            author_handle=_handle(author_url),
            author_avatar=photo,
        )
        await uow.comments.add(comment)
        await store.mark_comment(comment_id, row.source, _handle(author_url), photo)
        if status is CommentStatus.APPROVED:
            await uow.comments.add_to_comment_count(post.id, 1)
        if status is not CommentStatus.SPAM:
            event = EventType.COMMENT_CREATED if comment.is_visible else EventType.COMMENT_HELD
            uow.record(DomainEvent(event, comment.tenant_id, comment_payload(comment)))
        return comment_id, status.value

    async def _drop_comment(self, uow: SqlUnitOfWork, row: Any) -> bool:
        if not row.comment_id:
            return False
        comment = await uow.comments.get(row.comment_id)
        if comment is None or comment.status is CommentStatus.DELETED:
            return False
        was_visible = comment.is_visible
        comment.status_before = comment.status
        comment.status = CommentStatus.DELETED
        comment.held_reason = None
        comment.body_markdown = comment.body_html = ""
        comment.deleted_at = comment.updated_at = clock.now()
        await uow.comments.update(comment)
        if was_visible:
            await uow.comments.add_to_comment_count(comment.post_id, -1)
        return True

    async def _withdraw(self, uow: SqlUnitOfWork, store: SqlWebmentionStore, row: Any) -> bool:
        """Undo what an earlier verification made of this mention."""
        dropped = await self._drop_comment(uow, row)
        return dropped or bool(await store.unreact(row.source))


def _plain_text(value: str) -> str:
    return html_to_text(value)


def _handle(url: str) -> str | None:
    return host_of(url) or None
