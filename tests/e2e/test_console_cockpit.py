"""The console's dashboard tiles, posts list, blog editing and editor toolbar in a real
Chromium, and the French console read screen by screen for English code words.

Phone-sized where a manager would use a phone (390 px); each journey puts back what it
changed in the demo data. Screenshots land in ``test-output/``.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_TENANT
from tests.e2e.conftest import Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, WELCOME, sign_in
from tests.e2e.test_console_screens import SCREENS, _overflow, _settled

FIGURES = ["comments", "new_commenters", "reads", "weighted_rating", "queue"]


@pytest.fixture(scope="module")
def console(console_built, live_api: Api) -> Api:
    assert live_api.http.get(live_api.url("/console/")).status_code == 200
    return live_api


def _phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})


def _fits(page: Any) -> None:
    assert _overflow(page) == 0
    assert axe_violations(page) == []


def test_the_dashboard_heads_with_figures_and_their_change_from_the_api(browser_page, console):
    page = browser_page
    _phone(page)
    sign_in(page, console, MANAGER)
    tiles = page.get_by_test_id("headline")
    expect(tiles.get_by_role("heading", name="The period at a glance")).to_be_visible()
    # The tiles say what the API says, for the dashboard's window (the last 30 days).
    window = page.evaluate(
        """() => { const d = new Date(); const to = d.toLocaleDateString('sv');
                   d.setDate(d.getDate() - 29); return [d.toLocaleDateString('sv'), to]; }"""
    )
    tz = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    answer = console.as_manager(
        "GET",
        f"/v1/tenants/{DEMO_TENANT}/insights/headline",
        params={"from": window[0], "to": window[1], "tz": tz},
    ).json()
    figures = {f["name"]: f for f in answer["figures"]}
    for name in FIGURES:
        tile = page.get_by_test_id(f"tile-{name}")
        expect(tile).to_be_visible()
        expect(tile.locator(".tile__change")).to_contain_text(re.compile("30 days"))
        current = figures[name]["current"]
        if name != "weighted_rating" and current is not None:
            expect(tile.locator(".tile__value")).to_have_text(f"{int(current):,}")
    expect(page.get_by_test_id("tile-median_minutes_to_decision")).to_contain_text(
        "Median time to a decision"
    )
    # The Bayesian score is named for what it is, nowhere as a plain average.
    expect(page.get_by_test_id("tile-weighted_rating")).to_contain_text("Weighted rating")
    expect(page.get_by_text("Average rating")).to_have_count(0)
    expect(page.get_by_test_id("weighted-hint")).to_contain_text("Bayesian average of")
    screenshot(page, "console-dashboard-tiles-390")
    _fits(page)
    assert page.errors == []


def test_the_bloggers_chart_names_every_bar(browser_page, console):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, console, MANAGER)
    card = page.get_by_test_id("authors-card")
    expect(card.locator(".chart svg").last).to_be_visible()
    names = [
        str(n) for n in card.get_by_test_id("authors-table").locator("tbody th").all_inner_texts()
    ]
    assert len(names) >= 3

    def axis() -> list[str]:
        return list(
            card.locator(".chart").evaluate(
                """(el) => [...el.querySelectorAll('text.recharts-cartesian-axis-tick-value')]
                           .map((t) => t.textContent).filter((t) => !/^[0-9.,\\s]+$/.test(t))"""
            )
        )

    # One name on the axis per author bar, at a desktop's width and a phone's.
    assert axis() == names
    # The chart takes no tab stop: inert and hidden from assistive technology.
    assert card.locator(".chart").evaluate(
        "(el) => el.inert === true && el.getAttribute('aria-hidden') === 'true'"
    )
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_function(  # the chart redraws on resize (ResizeObserver)
        """(names) => JSON.stringify([...document.querySelectorAll(
             '[data-testid=authors-card] .chart text.recharts-cartesian-axis-tick-value')]
             .map((t) => t.textContent).filter((t) => !/^[0-9.,\\s]+$/.test(t))) ===
             JSON.stringify(names)""",
        arg=names,
    )
    assert axis() == names
    screenshot(page, "console-bloggers-chart-390")


def test_a_manager_searches_the_posts_and_sees_author_comments_and_rating(browser_page, console):
    page = browser_page
    _phone(page)
    sign_in(page, console, MANAGER, "/console/t/demo/posts")
    page.get_by_label("Words in the title or excerpt").fill("BIENVENUE")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=BIENVENUE"))
    table = page.get_by_test_id("posts-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(WELCOME)
    public = next(p for p in console.posts(limit=50) if p["title"] == WELCOME)
    expect(row.locator('td[data-label="Author"]')).to_have_text(public["author"]["display_name"])
    expect(row.locator('td[data-label="Comments"]')).to_have_text(str(public["comment_count"]))
    expect(row.locator('td[data-label="Rating"]')).to_contain_text(re.compile(r"votes|no votes"))
    screenshot(page, "console-posts-search-390")
    _fits(page)
    # A search that matches nothing says so; clearing it lists everything again.
    page.get_by_label("Words in the title or excerpt").fill(f"rien{time.time_ns()}")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No post matches these filters.")).to_be_visible()
    page.get_by_label("Words in the title or excerpt").fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(rows.first).to_be_visible()
    assert rows.count() > 1
    assert page.errors == []


def test_a_manager_edits_a_blog_on_a_phone(browser_page, console):
    page = browser_page
    _phone(page)
    blogs = console.as_manager("GET", f"/v1/tenants/{DEMO_TENANT}/blogs").json()["items"]
    blog = next(b for b in blogs if b["slug"] == "la-vie-de-la-communaute")
    before = {k: blog[k] for k in ("title", "description", "language", "comment_policy")}
    try:
        sign_in(page, console, MANAGER, "/console/t/demo/blogs")
        page.get_by_role("button", name=f"Edit — {blog['title']}").click()
        form = page.get_by_test_id("blog-edit")
        expect(form.get_by_role("heading", level=2)).to_be_focused()
        description = f"Les nouvelles du quartier ({time.time_ns()})"
        form.get_by_label("Description").fill(description)
        form.get_by_label("Language").select_option(label="English")
        form.get_by_label("Comment policy").select_option("pre")
        _fits(page)
        form.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("blog-created")).to_contain_text(
            f"Blog “{blog['title']}” saved."
        )
        expect(form).to_have_count(0)
        row = page.get_by_test_id("blogs-table").get_by_role("row").filter(has_text=description)
        expect(row.locator('td[data-label="Language"]')).to_have_text("English")
        expect(row.locator('td[data-label="Comment policy"]')).to_contain_text("Pre-moderated")
        after = console.as_manager("GET", f"/v1/tenants/{DEMO_TENANT}/blogs/{blog['id']}").json()
        assert (after["description"], after["language"], after["comment_policy"]) == (
            description,
            "en",
            "pre",
        )
        screenshot(page, "console-blog-edit-390")
        assert page.errors == []
    finally:
        console.as_manager("PATCH", f"/v1/tenants/{DEMO_TENANT}/blogs/{blog['id']}", json=before)


def _body(page: Any) -> str:
    return str(page.get_by_label("Body (Markdown)").input_value())


def test_the_editor_toolbar_formats_by_keyboard_and_a_draft_is_deleted(browser_page, console):
    page = browser_page
    _phone(page)
    sign_in(page, console, MANAGER, "/console/t/demo/posts/new")
    title = f"Brouillon mis en forme {time.time_ns()}"
    page.get_by_label("Title").fill(title)
    body = page.get_by_label("Body (Markdown)")
    body.fill("Un mot")
    # Ctrl+B in the text: the word just typed (selected with Shift+Ctrl+Left) goes bold.
    body.press("End")
    body.press("Control+Shift+ArrowLeft")
    body.press("Control+b")
    assert _body(page) == "Un **mot**"
    # The browser's undo takes the formatting back, and it can be made again.
    body.press("Control+z")
    assert _body(page) == "Un mot"
    body.press("End")
    body.press("Control+Shift+ArrowLeft")
    body.press("Control+b")
    assert _body(page) == "Un **mot**"
    # The toolbar is one tab stop: Shift+Tab from the text reaches the last button focused
    # (the first), the arrow keys move along it, Enter applies.
    toolbar = page.get_by_role("toolbar", name="Formatting")
    expect(toolbar.get_by_role("button")).to_have_count(8)
    for name in ("Bold", "Italic", "Link", "Heading", "List", "Quote", "Code", "Image"):
        expect(toolbar.get_by_role("button", name=name, exact=True)).to_be_visible()
    body.press("End")
    body.press("Shift+Tab")
    expect(toolbar.get_by_role("button", name="Bold")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Link")).to_be_focused()
    page.keyboard.press("Enter")
    # The link's address is selected in the text: typing replaces it.
    expect(body).to_be_focused()
    page.keyboard.type("https://example.com/naxos")
    assert _body(page) == "Un **mot**[link text](https://example.com/naxos)"
    preview = page.get_by_test_id("post-preview")
    expect(preview.locator("strong")).to_have_text("mot")
    expect(preview.get_by_role("link", name="link text")).to_have_attribute(
        "href", "https://example.com/naxos"
    )
    _fits(page)
    screenshot(page, "console-editor-toolbar-390")

    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_test_id("post-status")).to_contain_text("Draft")
    # Archive and delete of the draft are in sight.
    expect(page.get_by_role("button", name="Archive")).to_be_visible()
    delete = page.get_by_role("button", name="Delete the draft")
    expect(delete).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(page.get_by_role("heading", level=1, name="Posts")).to_be_visible()
    listed = console.as_manager(
        "GET", f"/v1/tenants/{DEMO_TENANT}/posts", params={"q": title}
    ).json()["items"]
    assert listed == []
    trash = console.as_manager(
        "GET", f"/v1/tenants/{DEMO_TENANT}/posts", params={"q": title, "deleted": "true"}
    ).json()["items"]
    assert [p["title"] for p in trash] == [title]
    assert page.errors == []


# Words of the API's codes that would be English in a French console (statuses, roles,
# quota and feature names, levels, policies, scopes), and labels that used to show.
ENGLISH_CODES = [
    "owner",
    "manager",
    "moderator",
    "author",
    "reader",
    "operator",
    "pending",
    "approved",
    "rejected",
    "draft",
    "published",
    "scheduled",
    "archived",
    "active",
    "trialing",
    "past_due",
    "suspended",
    "cancelled",
    "posts_per_blog",
    "custom_domains",
    "custom_domain",
    "api_requests_per_minute",
    "white_label",
    "basic",
    "full",
    "trusted",
    "content:read",
    "billing",
    "policy",
    "Average rating",
    "Weighted rating",
    "French",  # (the language switcher names English in English, as it should)
]


def test_the_french_console_shows_no_english_code_on_any_screen(browser_page, console):
    page = browser_page
    _phone(page)
    sign_in(page, console, MANAGER)
    page.get_by_label("Language").select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    found: dict[str, list[str]] = {}
    for path, testid in SCREENS:
        page.goto(console.url(f"/console/t/demo/{path}"))
        _settled(page, testid)
        # What a person reads: the text, and the names of controls and options.
        text = page.evaluate(
            """() => [document.body.innerText,
                      ...[...document.querySelectorAll('[aria-label],option,[title]')].map(
                        (el) => el.getAttribute('aria-label') || el.getAttribute('title') ||
                                el.textContent)].join('\\n')"""
        )
        text = re.sub(r"\S+@\S+", "", text)  # e-mail addresses are people's, not codes
        # Identifiers a developer must use as they are (webhook event types) are marked
        # translate="no": they are not words of the page's language.
        for code in page.evaluate(
            """() => [...document.querySelectorAll('[translate="no"]')].map((el) => el.textContent)"""
        ):
            text = text.replace(code, "")
        words = [w for w in ENGLISH_CODES if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
        if words:
            found[path] = words
    assert found == {}
    screenshot(page, "console-fr-subscription-390")
    assert page.errors == []


def test_contact_sales_is_a_link_with_the_tenant_in_its_subject(browser_page, console):
    page = browser_page
    _phone(page)
    sign_in(page, console, MANAGER, "/console/t/demo/subscription")
    link = page.get_by_role("link", name="Contact sales")
    expect(link).to_have_attribute("href", re.compile(r"^mailto:sales@causerie\.test\?subject="))
    assert "demo" in (link.get_attribute("href") or "")
    # The plans table names custom domains once (the quota; 0 means none).
    header = page.locator("section[aria-labelledby='sub-plans'] thead")
    expect(header.get_by_text("custom domains", exact=True)).to_have_count(1)
