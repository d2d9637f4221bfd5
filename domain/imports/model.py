"""What an import reads from another platform's export, and the rules it follows.

A parser (``api/adapters/wxr.py``, ``api/adapters/ghost_export.py``) turns a file into
these plain values; the runner (``domain/imports/use_cases.py``) writes them. Every item
carries its key in the source (``post:123``, ``comment:45``), which makes an import
idempotent: a key already imported in the tenant is skipped, so the same file twice
creates nothing twice, and a failed import resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from domain.comments.model import CommentStatus
from domain.kernel.access import Role
from domain.kernel.errors import DomainError, InvalidInput
from domain.posts.model import MAX_PUBLISH_YEAR, MIN_PUBLISH_YEAR, Post, PostStatus


class ImportFormat(StrEnum):
    WXR = "wxr"
    GHOST = "ghost"


class ImportState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE_STATES = (ImportState.QUEUED, ImportState.RUNNING)


class CategoriesAs(StrEnum):
    TAGS = "tags"
    BLOGS = "blogs"


# The roles an import may give to the authors it creates (never owner: an export file
# must not be able to hand out the tenant).
AUTHOR_ROLES = (Role.AUTHOR, Role.MODERATOR, Role.MANAGER)
MAX_WARNINGS = 1000
# The largest upload per plan (plans may set their own ``import_megabytes`` quota).
IMPORT_MEGABYTES = {"starter": 20, "business": 50, "enterprise": 200}
DEFAULT_IMPORT_MEGABYTES = 20


def upload_limit_bytes(plan_id: str, quotas: dict[str, int | None]) -> int:
    megabytes = quotas.get("import_megabytes") or IMPORT_MEGABYTES.get(
        plan_id, DEFAULT_IMPORT_MEGABYTES
    )
    return int(megabytes) * 1024 * 1024


@dataclass
class BadExport(DomainError):
    """The file is not an export we read (wrong format, truncated, unsafe XML...)."""

    code: str = "bad_export"


@dataclass
class UnsupportedVersion(DomainError):
    code: str = "unsupported_export_version"


@dataclass
class ImportTooLarge(DomainError):
    code: str = "import_too_large"


# Source statuses -> ours. WordPress: publish -> published; future -> scheduled (or
# published when its date is already past); draft, pending and private -> draft (a
# private post is not public here, so it stays a draft the owner may publish); trash
# and auto-draft are skipped. Ghost: published -> published, scheduled -> scheduled,
# draft -> draft, sent (e-mailed only, never on the site) -> draft.
WXR_STATUSES: dict[str, PostStatus | None] = {
    "publish": PostStatus.PUBLISHED,
    "future": PostStatus.SCHEDULED,
    "draft": PostStatus.DRAFT,
    "pending": PostStatus.DRAFT,
    "private": PostStatus.DRAFT,
    "trash": None,
    "auto-draft": None,
    "inherit": None,
}
GHOST_STATUSES: dict[str, PostStatus | None] = {
    "published": PostStatus.PUBLISHED,
    "scheduled": PostStatus.SCHEDULED,
    "draft": PostStatus.DRAFT,
    "sent": PostStatus.DRAFT,
}
# WordPress comment_approved -> ours; trash is skipped.
WXR_COMMENT_STATUSES: dict[str, CommentStatus | None] = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": None,
}


def usable_date(value: datetime | None) -> datetime | None:
    """A date our posts can hold (1900..9998, in UTC), or None (year 0, 9999, none)."""
    if value is None:
        return None
    if value.year < MIN_PUBLISH_YEAR or value.year > MAX_PUBLISH_YEAR - 1:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass
class ImportedAuthor:
    key: str  # the login (WordPress) or the id (Ghost)
    name: str
    email: str | None


@dataclass
class ImportedComment:
    key: str
    parent_key: str | None
    author_name: str
    author_email: str | None
    author_url: str | None
    body: str  # plain text with light Markdown (tags stripped by the parser)
    status: CommentStatus
    created_at: datetime | None


@dataclass
class CommentRow:
    """An imported comment as it is written (all of a post's go in one statement)."""

    id: UUID
    post_id: UUID
    parent_id: UUID | None
    root_id: UUID
    depth: int
    author_name: str
    author_email: str | None
    author_url: str | None
    body_markdown: str
    body_html: str
    status: CommentStatus
    created_at: datetime
    sentiment: str


@dataclass
class ImportBatch:
    """What one batch of an import writes, in one go: its posts, their tags (slug to
    name), the old paths that redirect to them, their comments, and the source keys of
    everything (for idempotency)."""

    posts: list[Post] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, UUID] = field(default_factory=dict)
    comments: list[CommentRow] = field(default_factory=list)
    keys: dict[str, UUID] = field(default_factory=dict)


@dataclass
class ImportedPost:
    key: str
    title: str
    slug: str
    html: str  # as the source holds it; sanitised before anything is stored
    excerpt: str
    status: PostStatus
    published_at: datetime | None
    author_key: str | None
    tags: list[str] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    cover_image_url: str | None = None
    old_paths: list[str] = field(default_factory=list)
    comments: list[ImportedComment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    """An item the parser read but does not import (a page, an attachment, a trashed
    post), with the reason: it shows among the warnings."""

    key: str
    reason: str


@dataclass
class ExportSummary:
    """What a first, quick pass over the file found: enough to check the quotas and to
    answer a dry run before any job runs."""

    format: ImportFormat
    source: str  # the exported site's address: keys are scoped by it
    posts: int = 0
    comments: int = 0
    skipped: int = 0
    authors: list[ImportedAuthor] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportOptions:
    blog_id: UUID
    author_role: Role = Role.AUTHOR
    categories_as: CategoriesAs = CategoriesAs.TAGS
    dry_run: bool = False
    site_url: str | None = None  # Ghost's __GHOST_URL__

    def __post_init__(self) -> None:
        if self.author_role not in AUTHOR_ROLES:
            raise InvalidInput(
                "Imported authors may be authors, moderators or managers.",
                extra={"field": "author_role"},
            )


@dataclass
class ImportReport:
    """Counts of what an import created (or, dry, would create) and skipped."""

    posts: int = 0
    comments: int = 0
    authors: int = 0
    blogs: int = 0
    redirects: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class ImportJob:
    id: UUID
    tenant_id: UUID
    format: ImportFormat
    state: ImportState
    options: ImportOptions
    source: str
    file_name: str
    file_size: int
    total: int
    done: int
    report: ImportReport
    warnings: list[dict[str, str]]
    error: dict[str, object] | None
    created_by: UUID | None
    created_at: datetime
    finished_at: datetime | None = None

    def warn(self, item: str, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append({"item": item, "message": message})
