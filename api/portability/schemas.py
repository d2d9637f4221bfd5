"""Exports and readers' data as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, Field

from domain.portability.model import Erasure, Export, ExportStatus


class ExportRead(BaseModel):
    id: UUID
    status: ExportStatus = Field(
        description="`queued`, `running`, then `ready` (downloadable) or `failed`; "
        "`expired` once the archive is gone."
    )
    format_version: int = Field(description="The version of the archive's JSON format.")
    items_done: int
    items_total: int = Field(description="Blogs, posts, revisions, comments and members.")
    size_bytes: int | None
    sha256: str | None = Field(description="SHA-256 of the archive, hex.")
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="When the archive is deleted.")
    download_url: str | None = Field(
        None,
        description="A signed link to the zip, valid for an hour (never past `expires_at`); "
        "a fresh one on every read of a ready export.",
    )
    download_expires_at: datetime | None = None

    @classmethod
    def of(cls, export: Export, url: str | None = None, until: datetime | None = None) -> Self:
        return cls(
            id=export.id,
            status=export.status,
            format_version=export.format_version,
            items_done=export.items_done,
            items_total=export.items_total,
            size_bytes=export.size_bytes,
            sha256=export.sha256,
            error=export.error,
            created_at=export.created_at,
            started_at=export.started_at,
            finished_at=export.finished_at,
            expires_at=export.expires_at,
            download_url=url,
            download_expires_at=until,
        )


class ReaderData(BaseModel):
    """Everything the tenant holds about one reader (format `causerie-reader-data`, v1)."""

    format: str = Field(description="`causerie-reader-data`")
    version: int
    generated_at: datetime
    profile: dict[str, Any] | None = Field(
        description="E-mail, display name, handle, role in the tenant, dates."
    )
    comments: list[dict[str, Any]] = Field(
        description="Every comment by the reader in the tenant, in any state, with the "
        "name, e-mail and URL given with it."
    )
    ratings: list[dict[str, Any]] = Field(description="Their votes: post, stars, dates.")
    reports: list[dict[str, Any]] = Field(description="Comments they reported.")
    standing: dict[str, Any] | None = Field(
        description="The moderators' standing on them (trusted or banned) and its note."
    )
    ambassador: dict[str, Any] | None = Field(description="Whether staff marked them one.")
    audit: list[dict[str, Any]] = Field(
        description="Audit entries where they acted or were the target."
    )


class ErasureRead(BaseModel):
    user_id: UUID
    comments_anonymised: int
    ratings_removed: int
    reports_removed: int

    @classmethod
    def of(cls, erasure: Erasure) -> Self:
        return cls(
            user_id=erasure.user_id,
            comments_anonymised=erasure.comments_anonymised,
            ratings_removed=erasure.ratings_removed,
            reports_removed=erasure.reports_removed,
        )
