"""Text rules of posts, without a database: slugs, Markdown to safe HTML, excerpts,
reading time, and the publication rules of a post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from api.adapters.text import MarkdownTextEngine
from domain.kernel import text
from domain.kernel.errors import InvalidInput
from domain.posts.model import Post, PostStatus
from domain.posts.text import excerpt_of, reading_minutes

# The adapter the app wires in (``Services.text``), built directly.
ENGINE = MarkdownTextEngine()
render_markdown = ENGINE.render_markdown
plain_text = ENGINE.plain_text


def slugify(title: str, max_length: int = 80, fallback: str = "post") -> str:
    return text.slugify(title, ENGINE, max_length, fallback)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Les Éléphants d'été", "les-elephants-d-ete"),
        ("Café à Paris", "cafe-a-paris"),
        ("  Ça   va ?!  ", "ca-va"),
        ("Straße über Köln", "strasse-uber-koln"),
        ("Москва", "moskva"),
        ("C'est l\u2019œuvre", "c-est-l-oeuvre"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slugify_bounds_and_fallback():
    assert slugify("a" * 200, 80) == "a" * 80
    assert slugify("ab " * 50, 9) == "ab-ab-ab"  # no trailing hyphen after the cut
    assert slugify("?!…") == "post"
    assert slugify("?!…", fallback="blog") == "blog"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<img src="x.png" onerror="alert(1)">',
        '<svg onload="alert(1)"><circle r="1"/></svg>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.test"></iframe>',
        "<style>body{display:none}</style>",
        '<p style="position:fixed">x</p>',
        '<object data="evil.swf"></object>',
        '<form action="https://evil.test"><input name="p"></form>',
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_hostile_markup_is_neutralised(hostile):
    html = render_markdown(hostile).lower()
    for bad in (
        "<script",
        'href="javascript',
        "onerror",
        "onload",
        "<svg",
        "<iframe",
        "<style",
        "style=",
        "<object",
        "<form",
        "<input",
        'src="data:',
    ):
        assert bad not in html, (hostile, html)


def test_structure_is_kept():
    html = render_markdown(
        "# T\n\n## S\n\n1. a\n2. b\n\n- c\n\n`x`\n\n```js\nlet a = 1;\n```\n\n> q\n\n"
        "![alt](https://i.test/a.png)\n\n[l](https://e.test) ~~del~~\n\n| a |\n|---|\n| 1 |\n"
    )
    for good in (
        "<h1>T</h1>",
        "<h2>S</h2>",
        "<ol>",
        "<ul>",
        "<code>x</code>",
        '<code class="language-js">',
        "<blockquote>",
        '<img src="https://i.test/a.png" alt="alt">',
        '<a href="https://e.test" rel="noopener nofollow ugc">l</a>',
        "<s>del</s>",
        "<table>",
    ):
        assert good in html, good


def test_excerpt_and_plain_text():
    text = plain_text(render_markdown("**Gras** et <em>penché</em> &amp; fin"))
    assert text == "Gras et penché & fin"
    # Structure survives: inline code stays glued to its words, list items stay apart.
    text = plain_text(render_markdown("Bad: `Error 42`. Good:\n\n- one\n- two\n\nEnd."))
    assert text == "Bad: Error 42. Good: one; two End."
    assert excerpt_of("court") == "court"
    long = "mot " * 200
    excerpt = excerpt_of(long.strip())
    assert excerpt.endswith("mot…") and len(excerpt) <= 281


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (220, 1), (221, 2), (661, 4)])
def test_reading_minutes(words, minutes):
    assert reading_minutes(" ".join(["w"] * words)) == minutes


def _post(**fields) -> Post:
    base = dict(
        id=uuid4(),
        tenant_id=uuid4(),
        blog_id=uuid4(),
        author_id=uuid4(),
        slug="s",
        title="t",
        excerpt="",
        body_markdown="",
        body_html="",
        body_text="",
        cover_image_url=None,
        language="fr",
        status=PostStatus.DRAFT,
        published_at=None,
        deleted_at=None,
        version=1,
        reading_minutes=1,
    )
    return Post(**{**base, **fields})


NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_publish_now_later_and_back_in_time():
    post = _post()
    post.publish(NOW)
    assert (post.status, post.published_at) == (PostStatus.PUBLISHED, NOW)
    later = _post()
    later.publish(NOW, NOW + timedelta(hours=1))
    assert later.status is PostStatus.SCHEDULED
    assert later.shown_status(NOW) is PostStatus.SCHEDULED
    assert later.shown_status(NOW + timedelta(hours=2)) is PostStatus.PUBLISHED
    paris = timezone(timedelta(hours=2))
    past = _post()
    past.publish(NOW, datetime(2009, 5, 1, 10, tzinfo=paris))
    assert past.published_at == datetime(2009, 5, 1, 8, tzinfo=UTC)
    assert past.published_at.tzinfo is UTC


@pytest.mark.parametrize(
    "when",
    [
        datetime(9999, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(2030, 1, 1),
    ],
)
def test_publication_dates_out_of_range_are_refused(when):
    post = _post()
    with pytest.raises(InvalidInput):
        post.publish(NOW, when)
    assert post.status is PostStatus.DRAFT


def test_archived_posts_are_not_published_nor_archived_twice():
    post = _post(status=PostStatus.ARCHIVED)
    with pytest.raises(InvalidInput):
        post.publish(NOW)
    with pytest.raises(InvalidInput):
        post.archive()
    post.unarchive()
    assert post.status is PostStatus.DRAFT
