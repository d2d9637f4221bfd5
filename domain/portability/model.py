"""A tenant's exports and the readers' own data: what they are, and their rules.

An export is a job's result: ``queued`` when asked for, ``running`` while a worker
builds the archive, then ``ready`` (downloadable until ``expires_at``) or ``failed``;
an archive past its time is ``expired`` and its bytes are gone. At most one export per
tenant is queued or running: asking again meanwhile answers that one (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

# The JSON document's format: ``format`` names it, ``version`` grows with any change a
# reader of older archives would have to know about (README, "Export format").
FORMAT_NAME = "causerie-export"
FORMAT_VERSION = 1
READER_FORMAT_NAME = "causerie-reader-data"
READER_FORMAT_VERSION = 1

# How long a finished archive is kept, and how long one signed link to it works.
ARCHIVE_TTL = timedelta(days=7)
LINK_TTL = timedelta(hours=1)

# The name an erased reader's comments show, in place of theirs.
ERASED_NAME = "[deleted]"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


ACTIVE = frozenset({ExportStatus.QUEUED, ExportStatus.RUNNING})


@dataclass(frozen=True)
class Export:
    id: UUID
    tenant_id: UUID
    status: ExportStatus
    requested_by: UUID | None
    format_version: int
    items_done: int
    items_total: int
    size_bytes: int | None
    sha256: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None

    def downloadable(self, now: datetime) -> bool:
        return (
            self.status is ExportStatus.READY
            and self.expires_at is not None
            and now < self.expires_at
        )

    def link_expiry(self, now: datetime) -> datetime:
        """A fresh link's end: an hour from now, never past the archive's own end."""
        assert self.expires_at is not None
        return min(now + LINK_TTL, self.expires_at)


@dataclass(frozen=True)
class Erasure:
    """What erasing a reader from a tenant changed, for the answer and the audit log."""

    user_id: UUID
    comments_anonymised: int
    ratings_removed: int
    reports_removed: int
