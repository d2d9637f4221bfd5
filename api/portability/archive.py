"""The export archive: a zip with the documented JSON document and a WordPress file.

``causerie-export.json`` holds the whole snapshot (format in README, "Export format");
``wordpress.xml`` is a WXR 1.2 file (WordPress's own export format, which its importer
reads): each blog becomes a category, each post an item in it with its tags and its
comments as threads. ``README.txt`` says what is where.

WXR text goes in CDATA sections; a ``]]>`` inside one is split across two sections, and
characters XML 1.0 forbids (most control characters) are dropped, so any post or
comment gives a well-formed file.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from api.adapters.wxr import COVER_META, REDIRECT_META
from domain.portability.model import FORMAT_NAME, FORMAT_VERSION

JSON_NAME = "causerie-export.json"
WXR_NAME = "wordpress.xml"
README_NAME = "README.txt"

# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Our post states and WordPress's (wp:status).
POST_STATUS = {
    "published": "publish",
    "scheduled": "future",
    "draft": "draft",
    "archived": "private",
}
# Our comment states and WordPress's (wp:comment_approved).
COMMENT_STATUS = {"approved": "1", "pending": "0", "spam": "spam", "rejected": "trash"}

_README = """Causerie export of the tenant "{name}" ({slug}), made {generated_at}.

{json_name}  everything, in the "{format}" JSON format, version {version}
             (tenant, settings, branding, domains, subscription, members, blogs, tags,
             posts with Markdown, HTML and metadata, revisions, comments, rating
             summaries, redirects, commenters' standing, ambassadors). Described in Causerie's README.
{wxr_name}    the blogs, posts, tags and comments as a WordPress WXR 1.2 file
             (Tools > Import > WordPress): each blog is a category; a post's old
             addresses (the redirect table) are its "causerie_redirect" meta.
"""


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def cdata(text: str | None) -> str:
    """Any text as CDATA: ``]]>`` cannot end the section early."""
    return "<![CDATA[" + _clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str | None) -> str:
    return escape(_clean(text))


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _wp_date(value: str | None) -> str:
    when = _when(value)
    return when.strftime("%Y-%m-%d %H:%M:%S") if when else "0000-00-00 00:00:00"


class _Xml:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def el(self, name: str, value: str = "", *, raw: bool = False, **attrs: str) -> None:
        attributes = "".join(f" {k}={quoteattr(_clean(v))}" for k, v in attrs.items())
        body = value if raw else _text(value)
        self.parts.append(f"<{name}{attributes}>{body}</{name}>")

    def open(self, name: str) -> None:
        self.parts.append(f"<{name}>")

    def close(self, name: str) -> None:
        self.parts.append(f"</{name}>")


def wxr(snapshot: dict[str, Any], base_url: str) -> str:
    """The snapshot's blogs, posts, tags and comments as WXR 1.2."""
    tenant = snapshot["tenant"]
    site = f"{base_url.rstrip('/')}/sites/{quote(tenant['slug'])}"
    members = {m["id"]: m for m in snapshot["members"]}
    blogs = {b["id"]: b for b in snapshot["blogs"]}
    tags = {t["slug"]: t for t in snapshot["tags"]}
    redirected: dict[str, list[str]] = {}
    for redirect in snapshot.get("redirects", []):
        redirected.setdefault(redirect["post_id"], []).append(redirect["path"])
    by_post: dict[str, list[dict[str, Any]]] = {}
    for comment in snapshot["comments"]:
        by_post.setdefault(comment["post_id"], []).append(comment)
    comment_ids = {c["id"]: n for n, c in enumerate(snapshot["comments"], start=1)}

    x = _Xml()
    x.parts.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    x.parts.append(
        '<rss version="2.0"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">'
    )
    x.open("channel")
    x.el("title", tenant["name"])
    x.el("link", site + "/")
    x.el("description", "")
    x.el("pubDate", format_datetime(datetime.fromisoformat(snapshot["export"]["generated_at"])))
    x.el("language", tenant["default_language"])
    x.el("wp:wxr_version", "1.2")
    x.el("wp:base_site_url", site + "/")
    x.el("wp:base_blog_url", site + "/")
    author_ids = {m["id"]: n for n, m in enumerate(snapshot["members"], start=1)}
    for member in snapshot["members"]:
        if member["role"] == "reader":
            continue
        x.open("wp:author")
        x.el("wp:author_id", str(author_ids[member["id"]]))
        x.el("wp:author_login", cdata(member["handle"]), raw=True)
        x.el("wp:author_email", cdata(member["email"]), raw=True)
        x.el("wp:author_display_name", cdata(member["display_name"]), raw=True)
        x.close("wp:author")
    for n, blog in enumerate(snapshot["blogs"], start=1):
        x.open("wp:category")
        x.el("wp:term_id", str(n))
        x.el("wp:category_nicename", cdata(blog["slug"]), raw=True)
        x.el("wp:category_parent", "")
        x.el("wp:cat_name", cdata(blog["title"]), raw=True)
        x.el("wp:category_description", cdata(blog["description"]), raw=True)
        x.close("wp:category")
    for n, tag in enumerate(snapshot["tags"], start=len(blogs) + 1):
        x.open("wp:tag")
        x.el("wp:term_id", str(n))
        x.el("wp:tag_slug", cdata(tag["slug"]), raw=True)
        x.el("wp:tag_name", cdata(tag["name"]), raw=True)
        x.close("wp:tag")

    for number, post in enumerate(snapshot["posts"], start=1):
        blog = blogs[post["blog_id"]]
        author = members.get(post["author_id"])
        status = "trash" if post["deleted_at"] else POST_STATUS.get(post["status"], "draft")
        x.open("item")
        x.el("title", post["title"])
        x.el("link", f"{site}/blogs/{quote(blog['slug'])}/{quote(post['slug'])}")
        published = _when(post["published_at"])
        x.el("pubDate", format_datetime(published) if published else "")
        x.el("dc:creator", cdata(author["handle"] if author else ""), raw=True)
        x.el("guid", f"urn:uuid:{post['id']}", isPermaLink="false")
        x.el("description", "")
        x.el("content:encoded", cdata(post["body_html"]), raw=True)
        x.el("excerpt:encoded", cdata(post["excerpt"]), raw=True)
        x.el("wp:post_id", str(number))
        x.el("wp:post_date", cdata(_wp_date(post["published_at"] or post["created_at"])), raw=True)
        x.el(
            "wp:post_date_gmt",
            cdata(_wp_date(post["published_at"]) if post["published_at"] else _wp_date(None)),
            raw=True,
        )
        x.el("wp:comment_status", cdata("open"), raw=True)
        x.el("wp:ping_status", cdata("closed"), raw=True)
        x.el("wp:post_name", cdata(post["slug"]), raw=True)
        x.el("wp:status", cdata(status), raw=True)
        x.el("wp:post_parent", "0")
        x.el("wp:menu_order", "0")
        x.el("wp:post_type", cdata("post"), raw=True)
        x.el("wp:post_password", cdata(""), raw=True)
        x.el("wp:is_sticky", "0")
        x.el("category", cdata(blog["title"]), raw=True, domain="category", nicename=blog["slug"])
        for slug in post["tags"]:  # posts name their tags by slug
            name = tags[slug]["name"] if slug in tags else slug
            x.el("category", cdata(name), raw=True, domain="post_tag", nicename=slug)
        if post["cover_image_url"]:
            x.open("wp:postmeta")
            x.el("wp:meta_key", cdata(COVER_META), raw=True)
            x.el("wp:meta_value", cdata(post["cover_image_url"]), raw=True)
            x.close("wp:postmeta")
        for path in redirected.get(post["id"], []):  # the tenant's old addresses
            x.open("wp:postmeta")
            x.el("wp:meta_key", cdata(REDIRECT_META), raw=True)
            x.el("wp:meta_value", cdata(path), raw=True)
            x.close("wp:postmeta")
        for comment in by_post.get(post["id"], []):
            if comment["status"] == "deleted" or comment["deleted_at"]:
                approved = "trash"
            else:
                approved = COMMENT_STATUS.get(comment["status"], "0")
            parent = comment_ids.get(comment["parent_id"], 0) if comment["parent_id"] else 0
            x.open("wp:comment")
            x.el("wp:comment_id", str(comment_ids[comment["id"]]))
            x.el("wp:comment_author", cdata(comment["author_name"]), raw=True)
            x.el("wp:comment_author_email", cdata(comment["author_email"]), raw=True)
            x.el("wp:comment_author_url", cdata(comment["author_url"]), raw=True)
            x.el("wp:comment_author_IP", cdata(""), raw=True)
            x.el("wp:comment_date", cdata(_wp_date(comment["created_at"])), raw=True)
            x.el("wp:comment_date_gmt", cdata(_wp_date(comment["created_at"])), raw=True)
            x.el("wp:comment_content", cdata(comment["body_markdown"]), raw=True)
            x.el("wp:comment_approved", cdata(approved), raw=True)
            x.el("wp:comment_type", cdata("comment"), raw=True)
            x.el("wp:comment_parent", str(parent))
            user = comment["author_user_id"]
            x.el("wp:comment_user_id", str(author_ids.get(user, 0)) if user else "0")
            x.close("wp:comment")
        x.close("item")
    x.close("channel")
    x.parts.append("</rss>\n")
    return "".join(x.parts)


def document(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: its format and version first, then the snapshot."""
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, **snapshot}


def writer(base_url: str) -> Any:
    """The archive writer the export use case is given: the snapshot in, zip bytes out."""

    def write(snapshot: dict[str, Any]) -> bytes:
        buffer = io.BytesIO()
        tenant = snapshot["tenant"]
        readme = _README.format(
            name=tenant["name"],
            slug=tenant["slug"],
            generated_at=snapshot["export"]["generated_at"],
            json_name=JSON_NAME,
            wxr_name=WXR_NAME,
            format=FORMAT_NAME,
            version=FORMAT_VERSION,
        )
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(README_NAME, readme)
            archive.writestr(
                JSON_NAME, json.dumps(document(snapshot), ensure_ascii=False, indent=1)
            )
            archive.writestr(WXR_NAME, wxr(snapshot, base_url))
        return buffer.getvalue()

    return write
