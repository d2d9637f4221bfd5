"""The community-manager console in a real browser, against the real API and demo data.

The browser speaks British English, so the console does too (it follows the browser's
language); the demo tenant's theme speaks French. Selectors use roles, labels and
visible text, as a screen reader would. Each journey leaves the demo data as it found it
where later tests depend on it (branding, plan).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_PASSWORD, OPERATOR_EMAIL
from tests.e2e.conftest import Api, screenshot

XSS = "<img src=x onerror=window.__xss=1>"
WELCOME = "Bienvenue sur le blog de la communauté"
MANAGER = "manager@demo.causerie.test"
MODERATOR = "moderator@demo.causerie.test"
ALICE = "alice@demo.causerie.test"
READER = "reader@demo.causerie.test"
TOKENS_KEY = "causerie.console.tokens"


@pytest.fixture(scope="module")
def console(console_built, live_api: Api) -> Api:
    """The live API with the console's build mounted at /console/."""
    assert live_api.http.get(live_api.url("/console/")).status_code == 200
    return live_api


def sign_in(page: Any, api: Api, email: str, path: str = "/console/") -> None:
    page.goto(api.url(path))
    expect(page.get_by_role("heading", level=1, name="Sign in to the console")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def nav(page: Any, name: str) -> None:
    link = page.get_by_role("navigation", name="Console").get_by_role("link", name=name)
    link.click()
    # The router marks the link current in the same render as the new screen: waiting
    # for it avoids reading the previous screen's headings (an editor's preview has one).
    expect(link).to_have_attribute("aria-current", "page")
    expect(page.locator("h1#page-title")).to_be_visible()


def welcome(api: Api) -> dict[str, Any]:
    return next(p for p in api.posts(limit=50) if p["title"] == WELCOME)


def no_script_ran(page: Any) -> None:
    assert page.evaluate("() => window.__xss") is None
    assert page.locator('img[src="x"]').count() == 0


# --- the journeys --------------------------------------------------------------------------


def test_1_manager_approves_a_readers_comment_and_the_theme_shows_it(browser_page, console):
    page = browser_page
    post = welcome(console)
    body = f"Une question de lectrice ({time.time_ns()})"
    held = console.http.post(
        console.url(f"/v1/sites/demo/posts/{post['id']}/comments"),
        json={"body": body, "author_name": "Zoé Lectrice"},
    )
    assert held.status_code == 202, held.text  # trusted policy: anonymous comments wait

    sign_in(page, console, MANAGER)
    expect(page).to_have_url(re.compile(r"/console/t/demo/dashboard$"))
    nav(page, "Moderation")
    expect(page.get_by_role("heading", level=1, name="Moderation queue")).to_be_focused()
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    # The counts per status are badges on the status filters.
    expect(page.get_by_role("button", name=re.compile(r"^Pending\s*\d+"))).to_be_visible()
    item = page.get_by_test_id("queue-item").filter(has_text=body)
    expect(item).to_be_visible()
    expect(item).to_contain_text("Zoé Lectrice")

    # In context: the post it is on.
    item.get_by_role("button", name="In context").click()
    expect(page.get_by_test_id("comment-context")).to_contain_text(WELCOME)
    screenshot(page, "console-1-queue")

    # The keyboard: focus the comment, "a" approves it.
    item.click()
    page.keyboard.press("a")
    expect(page.get_by_test_id("moderation-done")).to_contain_text("Approved — comment by")
    expect(page.get_by_test_id("queue-item").filter(has_text=body)).to_have_count(0)

    page.goto(console.url(f"/s/demo/blogs/{post['blog']['slug']}/{post['slug']}"))
    comments = page.get_by_test_id("comment-list")
    expect(comments.get_by_text(body)).to_be_visible()
    screenshot(page, "console-1-theme")
    assert page.errors == []


def test_the_reported_tab_lists_what_readers_reported(browser_page, console):
    post = welcome(console)
    body = f"Un commentaire que trois lecteurs signalent ({time.time_ns()})"
    path = f"/v1/sites/demo/posts/{post['id']}/comments"
    comment = console.as_user(READER, "POST", path, json={"body": body}).json()
    for reporter in ("lecteur@demo.causerie.test", "bruno@demo.causerie.test", ALICE):
        console.as_user(
            reporter,
            "POST",
            f"/v1/sites/demo/comments/{comment['id']}/reports",
            json={"reason": "abuse"},
        )

    page = browser_page
    sign_in(page, console, MODERATOR)
    nav(page, "Moderation")
    reported = page.get_by_role("button", name=re.compile(r"^Reported\s*\d+"))
    reported.click()
    expect(reported).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"status=reported"))
    item = page.get_by_test_id("queue-item").filter(has_text=body)
    expect(item).to_be_visible()
    # Everything listed there was hidden by reports.
    for held in page.get_by_test_id("queue-item").all():
        expect(held).to_contain_text("reports")
    # Narrowed to that commenter, named rather than shown as an id; then widened again.
    item.get_by_role("button", name="Their comments — Rita Reader").click()
    expect(page.get_by_test_id("author-filter")).to_contain_text("Comments by Rita Reader")
    expect(page).to_have_url(re.compile(r"author=[0-9a-f-]{36}"))
    for mine in page.get_by_test_id("queue-item").all():
        expect(mine).to_contain_text("Rita Reader")
    page.get_by_role("button", name="All commenters").click()
    expect(page.get_by_test_id("author-filter")).to_have_count(0)
    item.click()
    page.keyboard.press("a")
    expect(page.get_by_test_id("moderation-done")).to_contain_text("Approved — comment by")
    expect(page.get_by_test_id("queue-item").filter(has_text=body)).to_have_count(0)
    assert page.errors == []


def test_an_author_moderates_their_own_posts_where_the_tenant_allows_it(browser_page, console):
    mine = next(p for p in console.posts(limit=50) if p["author"]["display_name"] == "Alice Auteur")
    body = f"Une question pour Alice ({time.time_ns()})"
    held = console.http.post(
        console.url(f"/v1/sites/demo/posts/{mine['id']}/comments"),
        json={"body": body, "author_name": "Zoé Lectrice"},
    )
    assert held.status_code == 202, held.text
    page = browser_page
    console.patch_site({"settings": {"authors_moderate_own_posts": True}})
    try:
        sign_in(page, console, ALICE)
        nav(page, "Moderation")
        expect(page.get_by_role("heading", level=1, name="Moderation queue")).to_be_visible()
        item = page.get_by_test_id("queue-item").filter(has_text=body)
        item.click()
        page.keyboard.press("a")
        expect(page.get_by_test_id("moderation-done")).to_contain_text("Approved — comment by")
    finally:
        console.patch_site({"settings": {"authors_moderate_own_posts": False}})
    # Without the setting, the screen is not offered, and by URL it is refused plainly.
    page.reload()
    menu = page.get_by_role("navigation", name="Console")
    expect(menu.get_by_role("link", name="Posts")).to_be_visible()
    expect(menu.get_by_role("link", name="Moderation")).to_have_count(0)
    expect(page.get_by_test_id("refused")).to_be_visible()
    assert page.errors == []


def test_2_manager_changes_brand_colour_and_logo_and_the_theme_shows_them(browser_page, console):
    page = browser_page
    before = console.site()["branding"]
    logo = console.url("/console/logo.svg")
    try:
        sign_in(page, console, MANAGER)
        nav(page, "Branding & settings")
        page.get_by_label("Brand colour", exact=True).fill("#aa3300")
        page.get_by_label("Logo URL").fill(logo)
        preview = page.get_by_test_id("brand-preview")
        expect(preview.locator("img")).to_have_attribute("src", logo)
        link = preview.get_by_role("link", name="A link")
        expect(link).to_have_css("color", "rgb(170, 51, 0)")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("branding-saved")).to_contain_text("saved")
        screenshot(page, "console-2-branding")

        page.goto(console.url("/s/demo/"))
        expect(page.locator(".brand__logo")).to_have_attribute("src", logo)
        expect(page.locator(".kicker a").first).to_have_css("color", "rgb(170, 51, 0)")
        screenshot(page, "console-2-theme")
    finally:
        console.patch_site(
            {"branding": {"primary_color": before["primary_color"], "logo_url": before["logo_url"]}}
        )


def test_3_author_writes_previews_and_schedules_a_post_kept_out_of_sight_until_published(
    browser_page, console
):
    """The schedule is a day ahead, so how long the browser takes never decides the test;
    a scheduled post going live at its time is the public reads' injected clock's test
    (``tests/posts/test_public_cache.py``, ``tests/posts/test_posts.py``)."""
    page = browser_page
    title = f"Un billet programmé {uuid.uuid4().hex[:6]}"
    sign_in(page, console, ALICE)
    nav(page, "Posts")
    page.get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", level=1, name="New post")).to_be_visible()
    page.get_by_label("Blog").select_option(label="Carnets de voyage")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Body (Markdown)").fill(
        "Un texte **important** et une [source](https://example.com)."
    )
    preview = page.get_by_test_id("post-preview")
    expect(preview.get_by_role("heading", name=title)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("important")
    expect(preview.get_by_role("link", name="source")).to_have_attribute(
        "href", "https://example.com"
    )
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_test_id("post-status")).to_contain_text("Draft")

    # Tomorrow, in the browser's local time (the datetime-local input).
    due = datetime.now() + timedelta(days=1)
    page.get_by_label("Publish at (your local time)").fill(due.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_test_id("post-status")).to_contain_text("Scheduled")
    screenshot(page, "console-3-scheduled")
    assert not [p for p in console.posts(limit=50) if p["title"] == title]

    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_test_id("post-status")).to_contain_text("Published")
    assert [p for p in console.posts(limit=50) if p["title"] == title]
    page.goto(console.url("/s/demo/"))
    page.get_by_role("link", name=title).click()
    expect(page.locator(".post__body strong")).to_have_text("important")
    screenshot(page, "console-3-theme")


def _set_plan(api: Api, plan: str) -> None:
    api.as_user(
        OPERATOR_EMAIL,
        "PUT",
        "/v1/tenants/demo/subscription",
        headers={"Idempotency-Key": f"e2e-{uuid.uuid4().hex}"},
        json={"plan": plan, "status": "active", "current_period_end": None, "external_ref": "demo"},
    )


def test_4_a_tenant_at_its_blog_quota_is_told_what_its_plan_allows(browser_page, console):
    page = browser_page
    _set_plan(console, "starter")  # 3 blogs; the demo has at least 3
    try:
        sign_in(page, console, MANAGER)
        nav(page, "Subscription")
        usage = page.get_by_test_id("usage-table")
        expect(usage.get_by_role("row", name=re.compile(r"^blogs"))).to_contain_text("3")
        nav(page, "Blogs")
        page.get_by_label("Title").fill("Un blog de trop")
        page.get_by_role("button", name="Create").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(
            re.compile(r"Your plan \(starter\) allows 3 blogs; \d+ are in use")
        )
        screenshot(page, "console-4-quota")
    finally:
        _set_plan(console, "business")


def test_5_dashboard_shows_top_bloggers_and_the_tone_chart(browser_page, console):
    page = browser_page
    post = welcome(console)
    path = f"/v1/sites/demo/posts/{post['id']}/comments"
    for body in (
        f"Wonderful post, I love it, thank you so much! ({time.time_ns()})",
        f"Terrible and disappointing, I hate this. ({time.time_ns()})",
    ):
        console.as_user(READER, "POST", path, json={"body": body})
    sign_in(page, console, MANAGER)
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    authors = page.get_by_test_id("authors-table")
    expect(authors).to_be_visible()
    expect(authors.get_by_role("row").nth(1)).to_contain_text(re.compile(r"\S"))
    expect(authors).to_contain_text(re.compile(r"Manon Manager|Alice Auteur|Bruno Blogueur"))
    expect(page.get_by_test_id("tone-chart").locator("svg").first).to_be_visible()
    expect(page.get_by_test_id("tone-share")).to_contain_text("positive")
    # A range the API would refuse is caught before asking.
    page.get_by_label("From").fill("2030-01-01")
    expect(page.get_by_text("The start must not be after the end.")).to_be_visible()
    screenshot(page, "console-5-dashboard")


# --- bad input -----------------------------------------------------------------------------


def _tokens(page: Any) -> dict[str, Any]:
    return json.loads(page.evaluate(f"() => sessionStorage.getItem('{TOKENS_KEY}')"))


def _put_tokens(page: Any, pair: dict[str, Any]) -> None:
    page.evaluate(
        "([key, value]) => sessionStorage.setItem(key, value)", [TOKENS_KEY, json.dumps(pair)]
    )


def test_an_expired_session_refreshes_silently_then_asks_to_sign_in(browser_page, console):
    page = browser_page
    sign_in(page, console, MANAGER)
    nav(page, "Members")
    pair = _tokens(page)
    # The access token no longer works: one silent refresh, and the screen loads.
    _put_tokens(page, {**pair, "access_token": "expired.access.token"})
    page.reload()
    expect(page.get_by_test_id("members-table")).to_contain_text("Manon Manager")
    refreshed = _tokens(page)
    assert refreshed["refresh_token"] != pair["refresh_token"]
    assert refreshed["access_token"] != "expired.access.token"

    # Neither token works any more: the sign-in page says the session expired.
    _put_tokens(page, {**refreshed, "access_token": "expired", "refresh_token": "spent"})
    page.reload()
    expect(page.get_by_test_id("session-expired")).to_contain_text("session has expired")
    expect(page).to_have_url(re.compile(r"/console/t/demo/members$"))
    screenshot(page, "console-session-expired")
    # Signing in again lands on the same screen.
    page.get_by_label("E-mail").fill(MANAGER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()


def test_a_412_on_save_opens_the_conflict_view(browser_page, console):
    page = browser_page
    post = console.new_post("Un billet disputé", "Version de départ.")
    sign_in(page, console, MANAGER, f"/console/t/demo/posts/{post['id']}")
    expect(page.get_by_label("Title")).to_have_value("Un billet disputé")

    # Someone else saves meanwhile.
    current = console.as_manager("GET", f"/v1/tenants/demo/posts/{post['id']}").json()
    theirs = console.http.patch(
        console.url(f"/v1/tenants/demo/posts/{post['id']}"),
        headers={**console.manager, "If-Match": f'"{current["version"]}"'},
        json={"title": "Leur titre"},
    )
    assert theirs.status_code == 200, theirs.text

    page.get_by_label("Title").fill("Mon titre")
    page.get_by_role("button", name="Save").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_test_id("conflict-mine-title")).to_have_text("Mon titre")
    expect(conflict.get_by_test_id("conflict-theirs-title")).to_have_text("Leur titre")
    screenshot(page, "console-412-conflict")
    conflict.get_by_role("button", name="Overwrite with mine").click()
    expect(page.get_by_test_id("editor-notice")).to_contain_text("Saved")
    expect(conflict).to_have_count(0)
    saved = console.as_manager("GET", f"/v1/tenants/demo/posts/{post['id']}").json()
    assert saved["title"] == "Mon titre"


def test_a_402_from_any_action_reads_as_the_plan_limit(browser_page, console):
    page = browser_page

    def refuse(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=402,
            headers={"Content-Type": "application/problem+json"},
            body=json.dumps(
                {
                    "type": "/problems/quota-exceeded",
                    "title": "Quota exceeded",
                    "status": 402,
                    "code": "quota_exceeded",
                    "detail": "Your plan (business) allows 3 custom domains; 3 are in use.",
                    "quota": "custom_domains",
                    "limit": 3,
                    "usage": 3,
                    "plan": "business",
                }
            ),
        )

    page.route("**/v1/tenants/demo/domains", refuse)
    sign_in(page, console, MANAGER)
    nav(page, "Custom domains")
    page.get_by_label("Host name").fill("blog.example.com")
    page.get_by_role("button", name="Add the domain").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your plan (business) allows 3 custom domains; 3 are in use."
    )


def test_a_moderator_opening_a_manager_screen_by_url_is_refused_plainly(browser_page, console):
    page = browser_page
    sign_in(page, console, MODERATOR, "/console/t/demo/members")
    refused = page.get_by_test_id("refused")
    expect(
        page.get_by_role("heading", level=1, name="Not available with your role")
    ).to_be_visible()
    expect(refused).to_contain_text("moderator")
    expect(refused).to_contain_text("Members")
    menu = page.get_by_role("navigation", name="Console")
    expect(menu.get_by_role("link", name="Members")).to_have_count(0)
    expect(menu.get_by_role("link", name="Moderation")).to_be_visible()
    screenshot(page, "console-refused")
    refused.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert page.errors == []


def test_markup_in_user_content_is_shown_as_text(browser_page, console):
    page = browser_page
    before = console.site()
    post = welcome(console)
    # A comment, a post title, a member's name, a blog title, brand fields.
    comment = f"Commentaire {XSS} {time.time_ns()}"
    written = console.http.post(
        console.url(f"/v1/sites/demo/posts/{post['id']}/comments"),
        json={"body": comment, "author_name": f"Nom {XSS}"},
    )
    assert written.status_code == 202, written.text
    titled = console.new_post(f"Titre {XSS}", "Corps.")
    signup = console.http.post(
        console.url("/v1/sites/demo/signup"),
        json={
            "display_name": f"Membre {XSS}",
            "email": f"xss-{time.time_ns()}@example.com",
            "password": "un-mot-de-passe-solide",
        },
    )
    assert signup.status_code < 300, signup.text
    blog_title = f"Blog {XSS} {uuid.uuid4().hex[:4]}"
    console.as_manager("POST", "/v1/tenants/demo/blogs", json={"title": blog_title})
    console.patch_site({"name": f"Demo {XSS}", "branding": {"footer_text": f"Pied {XSS}"}})
    try:
        sign_in(page, console, MANAGER)
        nav(page, "Moderation")
        expect(page.get_by_test_id("queue").get_by_text(comment)).to_be_visible()
        expect(page.get_by_test_id("queue").get_by_text(f"Nom {XSS}").first).to_be_visible()
        no_script_ran(page)

        nav(page, "Posts")
        expect(page.get_by_role("link", name=f"Titre {XSS}")).to_be_visible()
        page.get_by_role("link", name=f"Titre {XSS}").click()
        expect(page.get_by_label("Title")).to_have_value(f"Titre {XSS}")
        expect(page.get_by_test_id("post-preview").get_by_role("heading")).to_have_text(
            f"Titre {XSS}"
        )
        no_script_ran(page)
        # The live preview sanitises what the author types, as the API does on save.
        page.get_by_label("Body (Markdown)").fill(
            f"Corps {XSS}\n\n<script>window.__xss=2</script>\n\n[lien](javascript:alert(1))"
        )
        preview = page.get_by_test_id("post-preview")
        expect(preview).to_contain_text("Corps")
        expect(preview.get_by_text("lien")).to_be_visible()
        assert preview.locator("script, [onerror], a[href^='javascript']").count() == 0
        no_script_ran(page)

        nav(page, "Members")
        expect(page.get_by_test_id("members-table").get_by_text(f"Membre {XSS}")).to_be_visible()
        nav(page, "Blogs")
        expect(page.get_by_test_id("blogs-table").get_by_text(blog_title)).to_be_visible()
        nav(page, "Branding & settings")
        expect(page.get_by_label("Site name")).to_have_value(f"Demo {XSS}")
        preview = page.get_by_test_id("brand-preview")
        expect(preview.get_by_text(f"Pied {XSS}")).to_be_visible()
        expect(preview.get_by_text(f"Demo {XSS}").first).to_be_visible()
        screenshot(page, "console-xss-as-text")
        no_script_ran(page)
        assert titled["id"]
    finally:
        console.patch_site(
            {"name": before["name"], "branding": {"footer_text": before["branding"]["footer_text"]}}
        )


def test_the_console_speaks_french_on_request_and_is_keyboard_usable(browser_page, console):
    page = browser_page
    sign_in(page, console, MANAGER)
    page.get_by_label("Language").select_option("fr")
    expect(
        page.get_by_role("navigation", name="Console").get_by_role("link", name="Modération")
    ).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    # The skip link shows when focused and leads to the main landmark.
    skip = page.get_by_role("link", name="Aller au contenu")
    skip.focus()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Modération").click()
    expect(page.get_by_role("heading", level=1, name="File de modération")).to_be_focused()
    screenshot(page, "console-french")
