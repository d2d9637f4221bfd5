"""What imports need from persistence and from the adapters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol
from uuid import UUID

from domain.accounts.ports import AccountsUnitOfWork
from domain.imports.model import (
    ExportSummary,
    ImportBatch,
    ImportedPost,
    ImportJob,
    Skipped,
)
from domain.members.ports import MembershipRepository
from domain.posts.ports import PostsUnitOfWork


class CoverRef(Protocol):
    key: str
    url: str


class ImportRepository(Protocol):
    async def add(self, job: ImportJob) -> None: ...
    async def get(self, import_id: UUID, *, lock: bool = False) -> ImportJob | None: ...
    async def active(self) -> ImportJob | None: ...
    async def recent(self, limit: int) -> list[ImportJob]: ...
    async def save(self, job: ImportJob) -> None: ...
    async def keys(self, source: str, keys: Iterable[str]) -> dict[str, UUID]: ...
    async def count_keys(self, source: str, prefix: str) -> int: ...
    async def remember(self, source: str, pairs: dict[str, UUID]) -> None: ...
    async def redirect(self, paths: list[str]) -> tuple[str, str] | None:
        """The (blog slug, post slug) of the first path that redirects to a live post."""
        ...

    async def posts_in_blog(self, blog_id: UUID) -> int: ...
    async def blog_by_slug(self, slug: str) -> UUID | None: ...
    async def add_blog(self, blog_id: UUID, slug: str, title: str, language: str) -> None: ...
    async def slugs_taken(self, wanted: list[tuple[UUID, str]]) -> set[tuple[UUID, str]]:
        """Which of these (blog, slug) pairs a post has, or had, in this tenant."""
        ...

    async def add_batch(self, source: str, batch: ImportBatch) -> int:
        """Write a batch (its rows skip the per-row triggers, whose effect is applied
        once for the batch); the number of redirects created."""
        ...

    async def set_cover(self, post_id: UUID, url: str) -> None: ...


class ImportsUnitOfWork(PostsUnitOfWork, AccountsUnitOfWork, Protocol):
    @property
    def imports(self) -> ImportRepository: ...
    @property
    def memberships(self) -> MembershipRepository: ...


class ExportReader(Protocol):
    """One pass over an export file: items as they come, the summary filled on the way."""

    summary: ExportSummary

    def items(self) -> Iterator[ImportedPost | Skipped | CoverRef]: ...


class HtmlCleaner(Protocol):
    def clean(self, html: str) -> str:
        """Imported HTML made safe by the product's sanitiser (nothing executable)."""
        ...
