"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2) read as a stream with defusedxml.

The file is never held whole: ``iterparse`` hands over one ``<item>`` at a time, which
is turned into an ``ImportedPost`` (with its comments) and then cleared. The parser
refuses any DOCTYPE, so neither entity expansion (billion laughs), external entities
nor a DTD fetch can happen; the network is never reached.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import IO, Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from domain.comments.model import CommentStatus
from domain.imports.model import (
    WXR_COMMENT_STATUSES,
    WXR_STATUSES,
    BadExport,
    ExportSummary,
    ImportedAuthor,
    ImportedComment,
    ImportedPost,
    ImportFormat,
    Skipped,
    UnsupportedVersion,
)

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
# Post meta a Causerie export writes (WordPress keeps unknown meta as it is): the cover
# image's address, and each old address of the post from the tenant's redirect table.
COVER_META = "causerie_cover_image_url"
REDIRECT_META = "causerie_redirect"
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class Attachment:
    """An attachment item: its address serves as the cover of the posts naming it."""

    key: str
    url: str


Item = ImportedPost | Skipped | Attachment


def _local(tag: str) -> tuple[str, str]:
    """``{namespace}name`` -> (a short prefix for the namespace, name)."""
    if tag.startswith("{"):
        ns, name = tag[1:].split("}", 1)
        if ns.startswith("http://wordpress.org/export/"):
            return ("excerpt" if ns.rstrip("/").endswith("excerpt") else "wp"), name
        if ns.startswith("http://purl.org/rss/1.0/modules/content"):
            return "content", name
        if ns.startswith("http://purl.org/dc/elements"):
            return "dc", name
        return "other", name
    return "", tag


def _children(element: Element) -> dict[tuple[str, str], str]:
    return {_local(child.tag): (child.text or "") for child in element}


def _date_gmt(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _rfc822(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value or "") if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _path_of(link: str) -> str | None:
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    if not parts.path and not parts.query:
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def plain_text(markup: str) -> str:
    """A comment's HTML as plain text (its paragraphs kept as blank lines)."""
    markup = re.sub(r"(?i)<br\s*/?>|</p>", "\n", markup)
    return html.unescape(_TAGS.sub("", markup)).strip()


class WxrReader:
    """One pass over a WXR file; ``summary`` after the pass, ``items()`` yields."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.summary = ExportSummary(format=ImportFormat.WXR, source="")
        self.version: str | None = None

    def items(self) -> Iterator[Item]:
        try:
            yield from self._items()
        except DefusedXmlException as refused:
            raise BadExport(
                "The file declares a DTD or entities, which an export never needs: refused.",
                extra={"reason": type(refused).__name__},
            ) from refused
        except ParseError as broken:
            raise BadExport(
                f"The file is not well-formed XML (truncated?): {broken}.",
                extra={"reason": "not_well_formed"},
            ) from broken

    def _items(self) -> Iterator[Item]:
        events: Any = iterparse(
            self._stream,
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        channel: Element | None = None
        seen_root = False
        depth = 0
        for event, element in events:
            prefix, name = _local(element.tag)
            if event == "start":
                depth += 1
                if not seen_root:
                    seen_root = True
                    if name != "rss":
                        raise BadExport(
                            "This is not a WordPress export (WXR): its root is not <rss>.",
                            extra={"reason": "wrong_format"},
                        )
                if name == "channel" and channel is None:
                    channel = element
                continue
            depth -= 1
            if channel is None or depth != 2:  # only the channel's own children
                continue
            if name == "item":
                self._check_version()
                yield self._item(element)
                channel.remove(element)
            elif prefix == "wp" and name == "wxr_version":
                self.version = (element.text or "").strip()
            elif prefix == "" and name == "link" and not self.summary.source:
                self.summary.source = (element.text or "").strip().rstrip("/")
            elif prefix == "wp" and name == "author":
                fields = _children(element)
                login = fields.get(("wp", "author_login"), "").strip()
                if login:
                    self.summary.authors.append(
                        ImportedAuthor(
                            key=login,
                            name=fields.get(("wp", "author_display_name"), "").strip() or login,
                            email=fields.get(("wp", "author_email"), "").strip() or None,
                        )
                    )
                channel.remove(element)
            elif prefix == "wp" and name == "category":
                fields = _children(element)
                slug = fields.get(("wp", "category_nicename"), "").strip()
                label = html.unescape(fields.get(("wp", "cat_name"), "").strip())
                if slug and label:
                    self.summary.categories.append((slug, label))
                channel.remove(element)
        if not seen_root or channel is None:
            raise BadExport(
                "This is not a WordPress export (WXR).", extra={"reason": "wrong_format"}
            )
        self._check_version()

    def _check_version(self) -> None:
        if self.version is None:
            raise BadExport(
                "This RSS file has no wp:wxr_version: it is not a WordPress export.",
                extra={"reason": "wrong_format"},
            )
        if self.version not in SUPPORTED_VERSIONS:
            raise UnsupportedVersion(
                f"WXR version {self.version} is not supported (1.0, 1.1 and 1.2 are).",
                extra={"version": self.version},
            )

    def _item(self, item: Element) -> Item:
        fields = _children(item)
        post_id = fields.get(("wp", "post_id"), "").strip()
        key = f"post:{post_id or fields.get(('', 'guid'), '')}"
        kind = fields.get(("wp", "post_type"), "post").strip()
        if kind == "attachment":
            url = fields.get(("wp", "attachment_url"), "").strip()
            return Attachment(key, url) if url else Skipped(key, "an attachment without address")
        if kind != "post":
            self.summary.skipped += 1
            what = "a page" if kind == "page" else f"a {kind} item"
            return Skipped(key, f"{what}: only posts are imported")
        raw_status = fields.get(("wp", "status"), "").strip()
        status = WXR_STATUSES.get(raw_status)
        if status is None:
            self.summary.skipped += 1
            return Skipped(key, f"status {raw_status or 'none'!r}: not imported")
        warnings: list[str] = []
        if raw_status == "private":
            warnings.append("a private post: imported as a draft")
        tags: list[str] = []
        categories: list[tuple[str, str]] = []
        thumbnail: str | None = None
        redirects: list[str] = []  # a Causerie export's old addresses of the post
        comments: list[ImportedComment] = []
        for child in item:
            prefix, name = _local(child.tag)
            if prefix == "" and name == "category":
                label = html.unescape((child.text or "").strip())
                slug = (child.get("nicename") or "").strip()
                if child.get("domain") == "post_tag" and label:
                    tags.append(label)
                elif child.get("domain") == "category" and label and slug != "uncategorized":
                    categories.append((slug or label.lower(), label))
            elif prefix == "wp" and name == "postmeta":
                meta = _children(child)
                meta_key = meta.get(("wp", "meta_key"), "").strip()
                value = meta.get(("wp", "meta_value"), "").strip()
                if meta_key == "_thumbnail_id":
                    thumbnail = f"post:{value}"
                elif meta_key == COVER_META and value and thumbnail is None:
                    thumbnail = value  # a Causerie export's cover, an address already
                elif meta_key == REDIRECT_META and value.startswith("/"):
                    redirects.append(value[:2000])
            elif prefix == "wp" and name == "comment":
                comment = self._comment(_children(child), warnings)
                if comment is not None:
                    comments.append(comment)
        published = _date_gmt(fields.get(("wp", "post_date_gmt"))) or _rfc822(
            fields.get(("", "pubDate"))
        )
        paths = []
        link_path = _path_of(fields.get(("", "link"), ""))
        if link_path:
            paths.append(link_path)
        if post_id:
            paths.append(f"/?p={post_id}")
        paths.extend(redirects)
        self.summary.posts += 1
        self.summary.comments += len(comments)
        post = ImportedPost(
            key=key,
            title=html.unescape(fields.get(("", "title"), "").strip()),
            slug=fields.get(("wp", "post_name"), "").strip(),
            html=fields.get(("content", "encoded"), ""),
            excerpt=plain_text(fields.get(("excerpt", "encoded"), "")),
            status=status,
            published_at=published,
            author_key=fields.get(("dc", "creator"), "").strip() or None,
            tags=tags,
            categories=categories,
            old_paths=list(dict.fromkeys(paths)),
            comments=comments,
            warnings=warnings,
        )
        post.cover_image_url = thumbnail  # a key until the runner resolves it
        return post

    def _comment(
        self, fields: dict[tuple[str, str], str], warnings: list[str]
    ) -> ImportedComment | None:
        comment_id = fields.get(("wp", "comment_id"), "").strip()
        kind = fields.get(("wp", "comment_type"), "").strip()
        if kind in ("pingback", "trackback"):
            warnings.append(f"comment {comment_id}: a {kind}, not imported")
            return None
        approved = fields.get(("wp", "comment_approved"), "1").strip()
        status = WXR_COMMENT_STATUSES.get(approved, CommentStatus.PENDING)
        if status is None:
            return None
        parent = fields.get(("wp", "comment_parent"), "0").strip()
        return ImportedComment(
            key=f"comment:{comment_id}",
            parent_key=None if parent in ("", "0") else f"comment:{parent}",
            author_name=html.unescape(fields.get(("wp", "comment_author"), "").strip()),
            author_email=fields.get(("wp", "comment_author_email"), "").strip() or None,
            author_url=fields.get(("wp", "comment_author_url"), "").strip() or None,
            body=plain_text(fields.get(("wp", "comment_content"), "")),
            status=status,
            created_at=_date_gmt(fields.get(("wp", "comment_date_gmt")))
            or _date_gmt(fields.get(("wp", "comment_date"))),
        )


def summarise(stream: IO[bytes]) -> ExportSummary:
    """The quick first pass: count, collect authors and categories, validate."""
    reader = WxrReader(stream)
    for _ in reader.items():
        pass
    return reader.summary
