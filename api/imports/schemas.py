"""What the imports' routes answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from domain.imports.model import ImportJob


class ImportWarning(BaseModel):
    item: str = Field(description="The item in the source: `post:123`, `comment:45`, `author:x`.")
    message: str


class ImportCounts(BaseModel):
    posts: int = 0
    comments: int = 0
    authors: int = 0
    blogs: int = 0
    redirects: int = 0
    skipped: int = 0


class ImportRead(BaseModel):
    id: UUID
    format: str = Field(description="`wxr` (WordPress) or `ghost`.")
    state: str = Field(description="`queued`, `running`, `succeeded` or `failed`.")
    dry_run: bool
    blog_id: UUID
    author_role: str
    categories_as: str
    file_name: str
    file_size: int
    source: str = Field(description="The exported site; items are known by their key in it.")
    total: int = Field(description="Posts found in the file.")
    done: int = Field(description="Posts handled so far (imported or skipped as already there).")
    created: ImportCounts = Field(description="What was created (a dry run: what would be).")
    warnings: list[ImportWarning]
    error: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ImportJob) -> ImportRead:
        return cls(
            id=job.id,
            format=job.format.value,
            state=job.state.value,
            dry_run=job.options.dry_run,
            blog_id=job.options.blog_id,
            author_role=job.options.author_role.value,
            categories_as=job.options.categories_as.value,
            file_name=job.file_name,
            file_size=job.file_size,
            source=job.source,
            total=job.total,
            done=job.done,
            created=ImportCounts(**job.report.as_dict()),
            warnings=[ImportWarning(**w) for w in job.warnings],
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


class RedirectRead(BaseModel):
    location: str = Field(description="The theme's address of the post (also the Location).")
    blog: str
    slug: str
