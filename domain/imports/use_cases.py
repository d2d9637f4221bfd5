"""Starting an import (quotas and the one-at-a-time rule, up front) and running it.

A run writes in batches of ``BATCH`` posts, each batch one transaction with its
comments, redirects, keys and the job's progress. A run that fails midway leaves the
batches before the failure, and the job ``failed`` with the reason: a clean, resumable
state. Resuming runs the same file again; every item already imported is skipped by its
key, so nothing is created twice (the same holds for importing the same file again).
A dry run does everything in one transaction and rolls it back: its report is exact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.accounts.use_cases import register_hashed
from domain.comments.model import MAX_BODY_CHARS, MAX_DEPTH, MAX_NAME_CHARS, MAX_URL_CHARS
from domain.comments.ports import CommentRenderer, ToneClassifier
from domain.imports.model import (
    ACTIVE_STATES,
    CategoriesAs,
    CommentRow,
    ExportSummary,
    ImportBatch,
    ImportedAuthor,
    ImportedPost,
    ImportFormat,
    ImportJob,
    ImportOptions,
    ImportReport,
    ImportState,
    Skipped,
    usable_date,
)
from domain.imports.ports import ExportReader, HtmlCleaner, ImportsUnitOfWork
from domain.kernel import clock
from domain.kernel.access import Action, Actor, require
from domain.kernel.errors import Conflict, NotFound, QuotaExceeded
from domain.kernel.text import TextEngine, slugify, unique_slug
from domain.licensing.model import Quota
from domain.licensing.quotas import plan_of
from domain.members.model import Membership
from domain.posts.model import Post, PostStatus
from domain.posts.text import excerpt_of, reading_minutes
from domain.posts.use_cases import MAX_TAGS, POST_SLUG_LENGTH, tag_slug_of
from domain.tenants.use_cases import audit

BATCH = 50
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,180}\.[^@\s]{1,8}")
# Imported authors get an account they cannot sign in with until they reset it.
NO_PASSWORD = "!imported"
Units = Callable[[], AbstractAsyncContextManager[ImportsUnitOfWork]]


async def _room(
    uow: ImportsUnitOfWork, tenant_id: UUID, summary: ExportSummary, options: ImportOptions
) -> None:
    """Refuse (402) before anything is written, naming every quota that lacks room."""
    _, plan = await plan_of(uow, tenant_id, lock=True)
    usage = await uow.usage.count(tenant_id)
    done = await uow.imports.count_keys(summary.source, "post:")
    missing: list[dict[str, Any]] = []

    def check(quota: Quota, used: int, adding: int) -> None:
        limit = plan.limit(quota)
        if adding > 0 and limit is not None and used + adding > limit:
            missing.append(
                {
                    "quota": quota.value,
                    "limit": limit,
                    "usage": used,
                    "adding": adding,
                    "missing": used + adding - limit,
                }
            )

    check(
        Quota.POSTS_PER_BLOG,
        await uow.imports.posts_in_blog(options.blog_id),
        max(0, summary.posts - done),
    )
    new_authors = 0
    for author in summary.authors:
        if author.email:
            user = await uow.users.by_email(author.email)
            if user is None or await uow.memberships.get(tenant_id, user.id) is None:
                new_authors += 1
    check(Quota.MEMBERS, int(usage.get(Quota.MEMBERS.value, 0)), new_authors)
    if options.categories_as is CategoriesAs.BLOGS:
        new_blogs = 0
        for slug, _ in summary.categories:
            if await uow.imports.blog_by_slug(_blog_slug(slug)) is None:
                new_blogs += 1
        check(Quota.BLOGS, int(usage.get(Quota.BLOGS.value, 0)), new_blogs)
    if missing:
        raise QuotaExceeded(
            f"Your plan ({plan.name}) has no room for this import: "
            + "; ".join(f"{m['quota'].replace('_', ' ')} lacks {m['missing']}" for m in missing)
            + ".",
            extra={"missing": missing, "plan": plan.id},
        )


def _blog_slug(category_slug: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", category_slug.lower()).strip("-")[:80] or "blog"


async def start_import(
    uow: ImportsUnitOfWork,
    actor: Actor,
    summary: ExportSummary,
    options: ImportOptions,
    *,
    file_name: str,
    file_size: int,
) -> ImportJob:
    """Queue an import of a file already read once (``summary``); the caller stores the
    file and enqueues the job in this transaction."""
    require(actor, Action.MANAGE_TENANT)
    blog = await uow.blogs.get(options.blog_id)
    if blog is None:
        raise NotFound("No such blog.")
    active = await uow.imports.active()
    if active is not None:
        raise Conflict(
            f"Another import ({active.id}) is running in this tenant; wait for it to end."
        )
    await _room(uow, actor.tenant_id, summary, options)
    job = ImportJob(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        format=summary.format,
        state=ImportState.QUEUED,
        options=options,
        source=summary.source,
        file_name=file_name[:255],
        file_size=file_size,
        total=summary.posts,
        done=0,
        report=ImportReport(),
        warnings=[],
        error=None,
        created_by=actor.user_id,
        created_at=clock.now(),
    )
    await uow.imports.add(job)
    await audit(
        uow,
        actor,
        "import.started",
        "import",
        job.id,
        format=job.format.value,
        dry_run=options.dry_run,
    )
    return job


async def resume_import(uow: ImportsUnitOfWork, actor: Actor, import_id: UUID) -> ImportJob:
    require(actor, Action.MANAGE_TENANT)
    job = await uow.imports.get(import_id, lock=True)
    if job is None:
        raise NotFound("No such import.")
    if job.state is not ImportState.FAILED:
        raise Conflict("Only a failed import can be resumed.")
    active = await uow.imports.active()
    if active is not None:
        raise Conflict("Another import is running in this tenant; wait for it to end.")
    job.state, job.error, job.finished_at = ImportState.QUEUED, None, None
    await uow.imports.save(job)
    await audit(uow, actor, "import.resumed", "import", job.id)
    return job


async def get_import(uow: ImportsUnitOfWork, actor: Actor, import_id: UUID) -> ImportJob:
    require(actor, Action.READ_TENANT_ADMIN)
    job = await uow.imports.get(import_id)
    if job is None:
        raise NotFound("No such import.")
    return job


async def list_imports(uow: ImportsUnitOfWork, actor: Actor) -> list[ImportJob]:
    require(actor, Action.READ_TENANT_ADMIN)
    return await uow.imports.recent(50)


async def find_redirect(uow: ImportsUnitOfWork, path: str) -> tuple[str, str]:
    """Where an old address of an imported post now lives: (blog slug, post slug)."""
    path = path.strip()
    if not path.startswith("/"):
        path = "/" + path
    candidates = [path]
    if "?" not in path:
        candidates.append(path[:-1] if path.endswith("/") and len(path) > 1 else path + "/")
    found = await uow.imports.redirect(candidates)
    if found is None:
        raise NotFound("No post lived at this address.")
    return found


# --- the run --------------------------------------------------------------------------


@dataclass
class Tools:
    text: TextEngine
    comment_text: CommentRenderer
    html: HtmlCleaner
    tone: ToneClassifier


@dataclass
class _Run:
    job: ImportJob
    authors: dict[str, UUID] = field(default_factory=dict)
    fallback_author: UUID | None = None
    blogs: dict[str, UUID] = field(default_factory=dict)
    language: str = "en"
    seen: set[str] = field(default_factory=set)
    attachments: dict[str, str] = field(default_factory=dict)
    covers: dict[UUID, str] = field(default_factory=dict)  # post -> attachment key


def _paragraphs(raw: str) -> str:
    """WordPress keeps paragraphs as blank lines (its ``wpautop`` adds the <p> when a
    page is shown): do the same, leaving block-level HTML alone."""
    if "<p" in raw.lower() or "\n\n" not in raw:
        return raw
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw) if b.strip()]
    return "".join(
        b
        if re.match(r"(?i)<(h[1-6]|ul|ol|pre|blockquote|table|figure|div|hr)\b", b)
        else f"<p>{b.replace(chr(10), '<br>')}</p>"
        for b in blocks
    )


async def _authors(
    uow: ImportsUnitOfWork, run: _Run, authors: Iterable[ImportedAuthor], text: TextEngine
) -> None:
    job = run.job
    known = await uow.imports.keys(job.source, [f"author:{a.key}" for a in authors])
    made: dict[str, UUID] = {}
    for author in authors:
        key = f"author:{author.key}"
        if key in known:
            run.authors[author.key] = known[key]
            continue
        if author.email and not _EMAIL.fullmatch(author.email):
            job.warn(key, f"author {author.name!r} has an e-mail we cannot use: left out")
            author.email = None
        if not author.email:
            job.warn(
                key,
                f"author {author.name!r} has no e-mail: their posts are "
                "attributed to the person who imports",
            )
            continue
        user = await uow.users.by_email(author.email)
        if user is None:
            user = await register_hashed(
                uow, author.email, NO_PASSWORD, author.name[:120], text=text
            )
        if await uow.memberships.get(job.tenant_id, user.id) is None:
            await uow.memberships.add(
                Membership(job.tenant_id, user.id, job.options.author_role, clock.now())
            )
            job.report.authors += 1
        run.authors[author.key] = user.id
        made[key] = user.id
    await uow.imports.remember(job.source, made)


def _tags(names: list[str], text: TextEngine) -> dict[str, str]:
    tags: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())[:60]
        if clean and len(tags) < MAX_TAGS:
            tags.setdefault(tag_slug_of(clean, text), clean)
    return tags


async def _blog_for(uow: ImportsUnitOfWork, run: _Run, post: ImportedPost) -> UUID:
    options = run.job.options
    if options.categories_as is not CategoriesAs.BLOGS or not post.categories:
        return options.blog_id
    slug, name = post.categories[0]
    slug = _blog_slug(slug)
    if slug in run.blogs:
        return run.blogs[slug]
    blog_id = await uow.imports.blog_by_slug(slug)
    if blog_id is None:
        blog_id = uuid4()
        await uow.imports.add_blog(blog_id, slug, name[:200], run.language)
        run.job.report.blogs += 1
    run.blogs[slug] = blog_id
    return blog_id


async def _batch(
    uow: ImportsUnitOfWork, run: _Run, tools: Tools, items: list[ImportedPost]
) -> None:
    """Write a batch of posts with their comments, tags, redirects and keys: a few
    statements for the whole batch, whatever its size."""
    job = run.job
    keyed: list[tuple[str, ImportedPost]] = []
    for item in items:
        key = item.key
        if key in run.seen:  # two items with one id in the same file (it happens)
            key = f"{key}:{item.slug or len(run.seen)}"
            job.warn(item.key, "a second item with this id: imported under " + key)
        run.seen.add(key)
        for warning in item.warnings:
            job.warn(key, warning)
        keyed.append((key, item))
    known = await uow.imports.keys(job.source, [key for key, _ in keyed])
    fresh: list[tuple[str, ImportedPost, UUID, str, str, str]] = []
    for key, item in keyed:
        if key in known:
            job.report.skipped += 1
            continue
        blog_id = await _blog_for(uow, run, item)
        safe = tools.html.clean(_paragraphs(item.html))
        body_text = tools.text.plain_text(safe)
        title = " ".join(item.title.split())[:300] or excerpt_of(body_text, 60) or "Untitled"
        base = slugify(item.slug or title, tools.text, 100)[:POST_SLUG_LENGTH]
        fresh.append((key, item, blog_id, safe, body_text, base))
    if not fresh:
        return
    taken_before = await uow.imports.slugs_taken([(f[2], f[5]) for f in fresh])
    used: set[tuple[UUID, str]] = set()
    batch = ImportBatch()
    for key, item, blog_id, safe, body_text, base in fresh:

        async def taken(slug: str, blog_id: UUID = blog_id) -> bool:
            return (blog_id, slug) in used or await uow.posts.slug_taken(blog_id, slug)

        if (blog_id, base) in taken_before or (blog_id, base) in used:
            slug = await unique_slug(base, taken, POST_SLUG_LENGTH)
        else:
            slug = base
        used.add((blog_id, slug))
        _post(run, tools, batch, key, item, blog_id, slug, safe, body_text)
    job.report.redirects += await uow.imports.add_batch(job.source, batch)


def _post(
    run: _Run,
    tools: Tools,
    batch: ImportBatch,
    key: str,
    item: ImportedPost,
    blog_id: UUID,
    slug: str,
    safe: str,
    body_text: str,
) -> None:
    job = run.job
    now = clock.now()
    title = " ".join(item.title.split())[:300] or excerpt_of(body_text, 60) or "Untitled"
    if item.slug and slug != item.slug:
        job.warn(key, f"slug {item.slug!r} is taken or not allowed here: the post is {slug!r}")
    published = usable_date(item.published_at)
    status = item.status
    if item.published_at is not None and published is None:
        job.warn(
            key, f"date {item.published_at.isoformat()} is out of range: the import's date is used"
        )
    if status is not PostStatus.DRAFT:
        published = published or now
        status = PostStatus.SCHEDULED if published > now else PostStatus.PUBLISHED
    author = run.authors.get(item.author_key or "")
    if author is None:
        author = run.fallback_author
        if item.author_key and item.author_key not in run.authors:
            job.warn(
                key,
                f"author {item.author_key!r} is not known: attributed to the person who imports",
            )
    assert author is not None
    tags = _tags(
        item.tags
        if job.options.categories_as is CategoriesAs.BLOGS
        else [*item.tags, *(name for _, name in item.categories)],
        tools.text,
    )
    cover = item.cover_image_url
    if cover and cover.startswith("post:"):  # a WordPress attachment's id
        resolved = run.attachments.get(cover)
        cover = resolved if resolved else None
    post = Post(
        id=uuid4(),
        tenant_id=job.tenant_id,
        blog_id=blog_id,
        author_id=author,
        slug=slug,
        title=title,
        excerpt=(item.excerpt.strip() or excerpt_of(body_text))[:1000],
        body_markdown=safe,
        body_html=safe,
        body_text=body_text,
        cover_image_url=cover
        if cover and cover.startswith(("http://", "https://")) and len(cover) <= 2000
        else None,
        language=run.language,
        status=status,
        published_at=published if status is not PostStatus.DRAFT else None,
        deleted_at=None,
        version=1,
        reading_minutes=reading_minutes(body_text),
        tag_names=list(tags),
        created_at=now,
        updated_at=now,
    )
    batch.posts.append(post)
    for tag_slug, name in tags.items():
        batch.tags.setdefault(tag_slug, name)
    if item.cover_image_url and item.cover_image_url.startswith("post:") and cover is None:
        run.covers[post.id] = item.cover_image_url
    job.report.posts += 1
    batch.keys[key] = post.id
    for path in item.old_paths:
        batch.redirects.setdefault(path[:2000], post.id)
    _comments(run, tools, item, post, batch)


def _comments(
    run: _Run,
    tools: Tools,
    item: ImportedPost,
    post: Post,
    batch: ImportBatch,
) -> None:
    job = run.job
    ids: dict[str, tuple[UUID, UUID, int]] = {}  # key -> (id, root, depth)
    by_key = {c.key: c for c in item.comments}
    # Parents first: a reply may come before its parent in the file.
    ordered, placed = [], set()

    def place(key: str, trail: set[str]) -> None:
        if key in placed or key in trail:
            return
        comment = by_key[key]
        if comment.parent_key in by_key:
            place(comment.parent_key, {*trail, key})
        placed.add(key)
        ordered.append(comment)

    for comment in item.comments:
        place(comment.key, set())
    rows: list[CommentRow] = []
    for comment in ordered:
        parent = ids.get(comment.parent_key or "")
        if comment.parent_key and parent is None:
            job.warn(
                comment.key,
                f"its parent {comment.parent_key} is not a comment of this "
                "post: imported as a new thread",
            )
        created = usable_date(comment.created_at) or post.published_at or clock.now()
        comment_id = uuid4()
        depth = min(parent[2] + 1, MAX_DEPTH) if parent else 0
        if parent and parent[2] + 1 > MAX_DEPTH:
            job.warn(comment.key, "nested deeper than threads go here: shown at the last level")
        body = comment.body[:MAX_BODY_CHARS] or "…"
        rows.append(
            CommentRow(
                id=comment_id,
                post_id=post.id,
                parent_id=parent[0] if parent else None,
                root_id=parent[1] if parent else comment_id,
                depth=depth,
                author_name=(comment.author_name or "Anonymous")[:MAX_NAME_CHARS],
                author_email=(comment.author_email or None) and comment.author_email[:254],
                author_url=comment.author_url
                if comment.author_url
                and comment.author_url.startswith(("http://", "https://"))
                and len(comment.author_url) <= MAX_URL_CHARS
                else None,
                body_markdown=body,
                body_html=tools.comment_text.render(body),
                status=comment.status,
                created_at=created,
                sentiment=tools.tone.classify(body, post.language).value,
            )
        )
        # A reply to a comment that went to the last level hangs from that comment.
        ids[comment.key] = (comment_id, parent[1] if parent else comment_id, depth)
        batch.keys[comment.key] = comment_id
        job.report.comments += 1
    batch.comments.extend(rows)


def body_hash(text: str) -> bytes:
    return hashlib.sha256(" ".join(text.lower().split()).encode()).digest()


async def run_import(
    units: Units,
    tenant_id: UUID,
    import_id: UUID,
    open_reader: Callable[[], ExportReader],
    tools: Tools,
    *,
    fault: Callable[[int], None] | None = None,
) -> ImportJob:
    """Run a queued import to its end (``fault``, for tests, is called before each batch
    commits with the number of posts done)."""
    async with units() as uow:
        job = await uow.imports.get(import_id, lock=True)
        if job is None or job.state not in ACTIVE_STATES:
            raise NotFound("No such import waiting.")
        job.state = ImportState.RUNNING
        job.report, job.done, job.warnings = ImportReport(), 0, []
        await uow.imports.save(job)
        await uow.commit()
    try:
        job = await _run(units, job, open_reader, tools, fault)
    except Exception as failure:
        code = str(getattr(failure, "code", "import_failed"))
        async with units() as uow:
            stored = await uow.imports.get(import_id, lock=True)
            assert stored is not None
            stored.state, stored.finished_at = ImportState.FAILED, clock.now()
            stored.error = {
                "code": code,
                "detail": str(failure)[:2000],
                **getattr(failure, "extra", {}),
            }
            if job.options.dry_run:
                stored.report, stored.done, stored.warnings = job.report, job.done, job.warnings
            await uow.imports.save(stored)
            await uow.commit()
            return stored
    return job


async def _run(
    units: Units,
    job: ImportJob,
    open_reader: Callable[[], ExportReader],
    tools: Tools,
    fault: Callable[[int], None] | None,
) -> ImportJob:
    dry = job.options.dry_run
    first = open_reader()
    for _ in first.items():  # the first pass: authors and categories (WXR lists them first)
        pass
    summary = first.summary
    run = _Run(job)
    uow_cm = units()
    uow = await uow_cm.__aenter__()
    try:
        blog = await uow.blogs.get(job.options.blog_id)
        if blog is None:
            raise NotFound("The import's blog was deleted.")
        run.language = blog.language
        await _room(uow, job.tenant_id, summary, job.options)
        run.fallback_author = job.created_by
        await _authors(uow, run, summary.authors, tools.text)
        pending: list[ImportedPost] = []
        for item in open_reader().items():
            if isinstance(item, Skipped):
                job.report.skipped += 1
                job.warn(item.key, item.reason)
                continue
            if not isinstance(item, ImportedPost):
                run.attachments[item.key] = item.url
                continue
            pending.append(item)
            if len(pending) < BATCH:
                continue
            await _batch(uow, run, tools, pending)
            job.done += len(pending)
            pending = []
            if not dry:
                if fault is not None:
                    fault(job.done)
                await uow.imports.save(job)
                await uow.commit()
                await uow_cm.__aexit__(None, None, None)
                uow_cm = units()
                uow = await uow_cm.__aenter__()
        if pending:
            await _batch(uow, run, tools, pending)
            job.done += len(pending)
        for post_id, attachment in run.covers.items():
            if attachment in run.attachments:
                await uow.imports.set_cover(post_id, run.attachments[attachment])
        if fault is not None:
            fault(job.done)
        job.state, job.finished_at = ImportState.SUCCEEDED, clock.now()
        if dry:
            await uow_cm.__aexit__(None, None, None)  # rolled back: nothing stays
            uow_cm = units()
            uow = await uow_cm.__aenter__()
        await uow.imports.save(job)
        await uow.commit()
    except BaseException as failure:
        await uow_cm.__aexit__(type(failure), failure, failure.__traceback__)
        raise
    await uow_cm.__aexit__(None, None, None)
    return job


def summary_of(reader: ExportReader) -> ExportSummary:
    for _ in reader.items():
        pass
    return reader.summary


__all__ = ["ImportFormat", "datetime", "run_import", "start_import"]
