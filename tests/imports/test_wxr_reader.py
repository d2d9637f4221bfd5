"""The WXR reader alone, without a database: real exports of other projects, and the
files a hostile or broken upload would be."""

from __future__ import annotations

import io

import pytest

from api.adapters.wxr import Attachment, WxrReader
from domain.imports.model import BadExport, ImportedPost, Skipped, UnsupportedVersion
from domain.posts.model import PostStatus
from tests.imports.helpers import comment, item, pelican_export, wagtail_fixture, wxr


def _read(data: bytes) -> tuple[WxrReader, list[object]]:
    reader = WxrReader(io.BytesIO(data))
    return reader, list(reader.items())


def test_pelicans_export_is_read_with_its_statuses_authors_and_comments():
    reader, items = _read(pelican_export())
    posts = [i for i in items if isinstance(i, ImportedPost)]
    assert reader.version == "1.1"
    assert {(a.key, a.email) for a in reader.summary.authors} == {
        ("Bob", "bob@thisisa.test"),
        ("Jonh", "jonh@thisisa.test"),
    }
    statuses = {p.slug: p.status for p in posts}
    assert statuses["with-comments"] is PostStatus.PUBLISHED
    assert PostStatus.DRAFT in statuses.values()
    with_comments = next(p for p in posts if p.slug == "with-comments")
    assert len(with_comments.comments) == 3
    assert any(c.parent_key for c in with_comments.comments)
    assert "/with-comments/" in with_comments.old_paths and "/?p=422" in with_comments.old_paths
    assert any(isinstance(i, Skipped) and "page" in i.reason for i in items)
    assert any(isinstance(i, Attachment) for i in items)


def test_wagtail_wordpress_imports_exports_are_read():
    """The WXR files of wagtail-wordpress-import's own tests (made-up sites, written by
    that project): posts, the page and custom post types skipped with their reasons, the
    authors; and its file that is not WXR at all (a book catalogue) refused."""
    reader, items = _read(wagtail_fixture("raw_xml.xml"))
    assert reader.version == "1.2"
    (post,) = [i for i in items if isinstance(i, ImportedPost)]
    assert (post.slug, post.status, post.author_key) == (
        "item-one-title",
        PostStatus.PUBLISHED,
        "author1",
    )
    assert ("blogging", "Blogging") in post.categories
    assert "/item-one-title/" in post.old_paths
    reasons = sorted(i.reason for i in items if isinstance(i, Skipped))
    assert reasons == [
        "a hasnocategories item: only posts are imported",
        "a page: only posts are imported",
        "a postmetachanged item: only posts are imported",
        "a testpostmeta item: only posts are imported",
    ]
    assert {(a.key, a.email) for a in reader.summary.authors} == {
        ("author1", "author1@example.com"),
        ("author2", "author2@example.com"),
    }

    _, items = _read(wagtail_fixture("post_meta.xml"))
    titles = [i.title for i in items if isinstance(i, ImportedPost)]
    assert len(titles) == 5 and len(set(titles)) == 5  # five posts, one slug between them

    with pytest.raises(BadExport) as refused:
        _read(wagtail_fixture("test.xml"))
    assert refused.value.code == "bad_export"


def test_statuses_map_as_written_down():
    data = wxr(
        item(1, slug="a", status="publish"),
        item(2, slug="b", status="draft"),
        item(3, slug="c", status="future", date="2999-01-01 00:00:00"),
        item(4, slug="d", status="private"),
        item(5, slug="e", status="trash"),
        item(6, slug="f", status="pending"),
    )
    _, items = _read(data)
    got = {i.slug: i.status for i in items if isinstance(i, ImportedPost)}
    assert got == {
        "a": PostStatus.PUBLISHED,
        "b": PostStatus.DRAFT,
        "c": PostStatus.SCHEDULED,
        "d": PostStatus.DRAFT,
        "f": PostStatus.DRAFT,
    }
    assert any(isinstance(i, Skipped) and "trash" in i.reason for i in items)


def test_both_versions_of_the_namespace_are_read():
    for version in ("1.1", "1.2"):
        _, items = _read(wxr(item(1, comments=comment(7)), version=version))
        (post,) = items
        assert isinstance(post, ImportedPost) and post.comments[0].key == "comment:7"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><title>&lol3;</title></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""
DTD_FETCH = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss><channel><title>x</title></channel></rss>"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, DTD_FETCH],
    ids=["billion-laughs", "external-entity", "dtd-fetch"],
)
def test_xml_with_a_dtd_or_entities_is_refused(data):
    with pytest.raises(BadExport) as refused:
        _read(data)
    assert refused.value.code == "bad_export"


def test_a_truncated_file_is_refused():
    whole = wxr(item(1), item(2))
    with pytest.raises(BadExport) as refused:
        _read(whole[: len(whole) - 40])
    assert refused.value.extra["reason"] == "not_well_formed"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>hi</body></html>",
        b"<rss><channel><title>x</title></channel></rss>",
        b"not xml at all",
    ],
    ids=["html", "plain-rss", "text"],
)
def test_what_is_not_a_wordpress_export_is_refused(data):
    with pytest.raises(BadExport):
        _read(data)


def test_an_unknown_wxr_version_is_refused():
    with pytest.raises(UnsupportedVersion):
        _read(wxr(item(1), version="9.0"))
