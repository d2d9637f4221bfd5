"""Ghost's JSON export (Tools -> Export in Ghost 2 to 6) as plain import values.

The export is one JSON document ``{"db": [{"meta": {"version"}, "data": {...}}]}``
(older ones drop the ``db`` wrapper). A post's body is its ``html``; when that is
absent (Ghost 5 and later may keep only ``lexical``), the Lexical tree is rendered here.
``__GHOST_URL__``, Ghost's placeholder for the site's own address, becomes the address
the importer gives (or a root-relative path when none is given, with a warning).

Comments (Ghost 5's native ones) are read when the file has a ``comments`` table, with
their authors from ``members``. Ghost's own "Export content" leaves both out (they are
among its optional backup tables, not its default export), so most files have none; a
backup-style export that includes them gives the comments with their threads.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from api.adapters.wxr import plain_text
from domain.comments.model import CommentStatus
from domain.imports.model import (
    GHOST_STATUSES,
    BadExport,
    ExportSummary,
    ImportedAuthor,
    ImportedComment,
    ImportedPost,
    ImportFormat,
    Skipped,
    UnsupportedVersion,
)

SUPPORTED_MAJORS = range(2, 7)
# Ghost's comment states and ours: a comment a moderator hid is rejected here; a deleted
# one is not imported.
GHOST_COMMENT_STATUSES: dict[str, CommentStatus | None] = {
    "published": CommentStatus.APPROVED,
    "hidden": CommentStatus.REJECTED,
    "deleted": None,
}
PLACEHOLDER = "__GHOST_URL__"


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- Lexical -> HTML ------------------------------------------------------------------

_FORMATS = ((1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"))


def _text(node: dict[str, Any]) -> str:
    out = html.escape(str(node.get("text", "")))
    fmt = node.get("format", 0)
    if isinstance(fmt, int):
        for bit, tag in _FORMATS:
            if fmt & bit:
                out = f"<{tag}>{out}</{tag}>"
    return out


def lexical_to_html(tree: Any, unknown: set[str]) -> str:
    """The HTML of a Lexical document; node types it cannot render are named in
    ``unknown`` (their text is kept)."""
    if isinstance(tree, str):
        try:
            tree = json.loads(tree)
        except ValueError:
            return ""
    root = tree.get("root", tree) if isinstance(tree, dict) else {}
    return _nodes(root.get("children", []), unknown)


def _nodes(nodes: Any, unknown: set[str]) -> str:
    return (
        "".join(_node(n, unknown) for n in nodes if isinstance(n, dict))
        if isinstance(nodes, list)
        else ""
    )


def _node(node: dict[str, Any], unknown: set[str]) -> str:
    kind = node.get("type")
    inner = _nodes(node.get("children", []), unknown)
    esc = html.escape
    if kind in ("text", "extended-text"):
        return _text(node)
    if kind == "linebreak":
        return "<br>"
    if kind in ("paragraph", "extended-paragraph"):
        return f"<p>{inner}</p>"
    if kind in ("heading", "extended-heading"):
        tag = node.get("tag") if node.get("tag") in {f"h{i}" for i in range(1, 7)} else "h2"
        return f"<{tag}>{inner}</{tag}>"
    if kind in ("quote", "extended-quote", "aside"):
        return f"<blockquote>{inner}</blockquote>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" else "ul"
        return f"<{tag}>{inner}</{tag}>"
    if kind == "listitem":
        return f"<li>{inner}</li>"
    if kind in ("link", "autolink"):
        return f'<a href="{esc(str(node.get("url", "")))}">{inner}</a>'
    if kind == "horizontalrule":
        return "<hr>"
    if kind == "image":
        caption = node.get("caption") or ""
        img = f'<img src="{esc(str(node.get("src", "")))}" alt="{esc(str(node.get("alt", "")))}">'
        return f"<figure>{img}<figcaption>{caption}</figcaption></figure>" if caption else img
    if kind == "codeblock":
        return f"<pre><code>{esc(str(node.get('code', '')))}</code></pre>"
    if kind == "html":
        return str(node.get("html", ""))  # sanitised with the rest of the body
    if kind == "markdown":
        return f"<p>{esc(str(node.get('markdown', '')))}</p>"
    unknown.add(str(kind))
    return inner


# --- the export -----------------------------------------------------------------------


def _payload(data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("db"), list) and data["db"]:
        data = data["db"][0]
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise BadExport(
            "This JSON is not a Ghost export (no db[0].data).", extra={"reason": "wrong_format"}
        )
    meta = data.get("meta")
    return (meta if isinstance(meta, dict) else {}), data["data"]


def _order(value: Any) -> int:
    """A link's ``sort_order`` (a bad one sorts first rather than failing the run)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _rows(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    rows = data.get(table) or []
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


class GhostReader:
    def __init__(self, stream: IO[bytes], site_url: str | None = None) -> None:
        try:
            document = json.load(stream)
        except (ValueError, UnicodeDecodeError) as broken:
            raise BadExport(
                f"The file is not valid JSON (truncated?): {broken}.",
                extra={"reason": "not_well_formed"},
            ) from broken
        meta, self.data = _payload(document)
        self.version = str(meta.get("version", ""))
        try:
            major = int(self.version.split(".")[0])
        except ValueError:
            major = -1
        if major not in SUPPORTED_MAJORS:
            raise UnsupportedVersion(
                f"Ghost version {self.version or 'unknown'} is not supported (2.x to 6.x are).",
                extra={"version": self.version},
            )
        self.site_url = (site_url or "").rstrip("/")
        self.summary = ExportSummary(format=ImportFormat.GHOST, source=self._source())
        self.summary.authors = [
            ImportedAuthor(
                key=f"user:{u.get('id')}",
                name=str(u.get("name") or u.get("slug") or "").strip(),
                email=(str(u.get("email")).strip() or None) if u.get("email") else None,
            )
            for u in _rows(self.data, "users")
        ]
        self.comments: dict[Any, list[ImportedComment]] = {}
        self.comment_warnings: dict[Any, list[str]] = {}
        self._read_comments()
        for post in _rows(self.data, "posts"):
            if post.get("type", "post") == "post" and post.get("status") in GHOST_STATUSES:
                self.summary.posts += 1
                self.summary.comments += len(self.comments.get(post.get("id"), []))
            else:
                self.summary.skipped += 1

    def _read_comments(self) -> None:
        members = {m.get("id"): m for m in _rows(self.data, "members")}
        for row in _rows(self.data, "comments"):
            post_id = row.get("post_id")
            status = GHOST_COMMENT_STATUSES.get(str(row.get("status")), CommentStatus.PENDING)
            if status is None:
                self.comment_warnings.setdefault(post_id, []).append(
                    f"comment {row.get('id')}: deleted in Ghost, not imported"
                )
                continue
            member = members.get(row.get("member_id")) or {}
            email = str(member.get("email") or "").strip() or None
            name = str(member.get("name") or "").strip() or (email or "").split("@")[0]
            # A reply names the comment it answers (in_reply_to_id) within its thread
            # (parent_id, the thread's first comment).
            parent = row.get("in_reply_to_id") or row.get("parent_id")
            self.comments.setdefault(post_id, []).append(
                ImportedComment(
                    key=f"comment:{row.get('id')}",
                    parent_key=f"comment:{parent}" if parent else None,
                    author_name=name or "Anonymous",
                    author_email=email,
                    author_url=None,
                    body=plain_text(self._urls(str(row.get("html") or ""))),
                    status=status,
                    created_at=_date(row.get("created_at")),
                )
            )

    def _source(self) -> str:
        settings = {s.get("key"): s.get("value") for s in _rows(self.data, "settings")}
        return self.site_url or f"ghost:{settings.get('db_hash') or settings.get('title') or ''}"

    def _urls(self, text: str) -> str:
        return text.replace(PLACEHOLDER, self.site_url) if text else text

    def items(self) -> Iterator[ImportedPost | Skipped]:
        tags = {t.get("id"): t for t in _rows(self.data, "tags")}
        post_tags: dict[Any, list[tuple[int, str]]] = {}
        for link in _rows(self.data, "posts_tags"):
            tag = tags.get(link.get("tag_id"))
            if tag and not str(tag.get("name", "")).startswith("#"):  # internal tags
                post_tags.setdefault(link.get("post_id"), []).append(
                    (_order(link.get("sort_order")), str(tag.get("name")))
                )
        authors: dict[Any, list[tuple[int, str]]] = {}
        for link in _rows(self.data, "posts_authors"):
            authors.setdefault(link.get("post_id"), []).append(
                (_order(link.get("sort_order")), f"user:{link.get('author_id')}")
            )
        out: list[ImportedPost | Skipped] = []
        for row in _rows(self.data, "posts"):
            key = f"post:{row.get('id')}"
            if row.get("type", "post") != "post":
                out.append(Skipped(key, f"a Ghost {row.get('type')}: only posts are imported"))
                continue
            status = GHOST_STATUSES.get(str(row.get("status")))
            if status is None:
                out.append(Skipped(key, f"status {row.get('status')!r}: not imported"))
                continue
            warnings: list[str] = []
            body = row.get("html")
            if not body and row.get("lexical"):
                unknown: set[str] = set()
                body = lexical_to_html(row["lexical"], unknown)
                if unknown:
                    warnings.append(
                        f"Lexical cards kept as text only: {', '.join(sorted(unknown))}"
                    )
            if not body:
                text = str(row.get("plaintext") or "")
                body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
                if text:
                    warnings.append("no html nor lexical body: imported from the plain text")
            if row.get("status") == "sent":
                warnings.append("an e-mail-only post: imported as a draft")
            if PLACEHOLDER in str(body) and not self.site_url:
                warnings.append("__GHOST_URL__ links left root-relative: give site_url to fix")
            slug = str(row.get("slug") or "")
            ordered_authors = [a for _, a in sorted(authors.get(row.get("id"), []))]
            author = (
                ordered_authors[0]
                if ordered_authors
                else (f"user:{row['author_id']}" if row.get("author_id") else None)
            )
            cover = self._urls(str(row.get("feature_image") or "")) or None
            out.append(
                ImportedPost(
                    key=key,
                    title=str(row.get("title") or ""),
                    slug=slug,
                    html=self._urls(str(body)),
                    excerpt=str(row.get("custom_excerpt") or ""),
                    status=status,
                    published_at=_date(row.get("published_at")) or _date(row.get("created_at")),
                    author_key=author,
                    tags=[n for _, n in sorted(post_tags.get(row.get("id"), []))],
                    cover_image_url=cover,
                    old_paths=[f"/{slug}/"] if slug else [],
                    comments=self.comments.get(row.get("id"), []),
                    warnings=warnings + self.comment_warnings.get(row.get("id"), []),
                )
            )
        return iter(out)
