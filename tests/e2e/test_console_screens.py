"""Every console screen on a phone: no sideways scroll, a navigation that folds away,
and no axe-core violation, at 360 and 390 px, in English and in French.

Screenshots of every screen at both widths land in ``test-output/``.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_PASSWORD
from tests.e2e.conftest import Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, MODERATOR, sign_in, welcome

# Every screen a manager opens, with what shows once its data arrived.
SCREENS = [
    ("dashboard", "authors-table"),
    ("conversation", "topics-top-card"),
    ("people", None),
    ("briefs", None),
    ("moderation", "queue"),
    ("posts", "posts-table"),
    ("posts/new", "post-preview"),
    ("blogs", "blogs-table"),
    ("members", "members-table"),
    ("api-keys", None),
    ("branding", "brand-preview"),
    ("domains", None),
    ("federation", None),
    ("webhooks", None),
    ("subscription", "usage-table"),
    ("audit", "audit-table"),
    ("exports", None),
    ("imports", None),
    ("notifications", "notifications-form"),
]
WIDTHS = [(360, 740), (390, 844)]


@pytest.fixture(scope="module")
def console(console_built, live_api: Api) -> Api:
    assert live_api.http.get(live_api.url("/console/")).status_code == 200
    return live_api


def _overflow(page: Any) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it fits)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def _widest(page: Any) -> list[str]:
    """The deepest elements reaching past the right edge: what to fix when a page overflows."""
    return list(
        page.evaluate(
            """() => {
              const edge = document.documentElement.clientWidth;
              const out = [...document.querySelectorAll("body *")].filter((el) => {
                const r = el.getBoundingClientRect();
                return r.right > edge + 0.5 && r.width > 0 && ![...el.children].some(
                  (c) => c.getBoundingClientRect().right > edge + 0.5);
              });
              return out.slice(0, 5).map((el) => el.tagName.toLowerCase() + "." +
                (el.className && el.className.baseVal === undefined ? el.className : "") +
                " " + Math.round(el.getBoundingClientRect().right));
            }"""
        )
    )


def _settled(page: Any, testid: str | None) -> None:
    expect(page.locator("h1#page-title")).to_be_visible()
    if testid:
        expect(page.get_by_test_id(testid).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".state--loading")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_every_screen_fits_a_phone_and_passes_axe(browser_page, console, width, height):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    post = welcome(console)
    console.http.post(
        console.url(f"/v1/sites/demo/posts/{post['id']}/comments"),
        json={"body": "Une question posée depuis un téléphone", "author_name": "Zoé Lectrice"},
    )
    sign_in(page, console, MANAGER)
    problems: dict[str, Any] = {}
    for path, testid in SCREENS:
        page.goto(console.url(f"/console/t/demo/{path}"))
        _settled(page, testid)
        overflow = _overflow(page)
        violations = axe_violations(page)
        if overflow > 0 or violations:
            problems[path] = {"overflow": overflow, "axe": violations, "wide": _widest(page)}
        screenshot(page, f"console-{path.replace('/', '-')}-{width}")
    assert problems == {}, json.dumps(problems, indent=1)
    assert page.errors == []


def test_the_navigation_folds_away_on_a_phone(browser_page, console):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, console, MANAGER)
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Console")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Moderation")).to_be_hidden()
    # The screen's title starts within the first screenful, not under the navigation.
    top = page.locator("h1#page-title").bounding_box()
    assert top is not None and top["y"] < 200, top
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", level=1, name="Moderation queue")).to_be_visible()
    # Choosing a screen folds the menu again.
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(r"/moderation$"))
    # On a desktop the navigation is always there and there is no menu button.
    page.set_viewport_size({"width": 1200, "height": 900})
    expect(nav.get_by_role("link", name="Moderation")).to_be_visible()
    expect(menu).to_be_hidden()


def test_the_queue_is_within_thumb_reach_on_a_phone(browser_page, console):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    post = welcome(console)
    console.http.post(
        console.url(f"/v1/sites/demo/posts/{post['id']}/comments"),
        json={"body": "Une question à portée de pouce", "author_name": "Zoé Lectrice"},
    )
    sign_in(page, console, MANAGER, "/console/t/demo/moderation")
    first = page.get_by_test_id("queue-item").first
    expect(first).to_be_visible()
    # The first comment's decisions show in the first screenful, help text folded away.
    approve = first.get_by_role("button", name=re.compile(r"^Approve"))
    box = approve.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    assert box["height"] >= 36, box  # a thumb-sized target


def test_on_a_phone_a_manager_approves_a_comment_then_undoes_it(browser_page, console):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    post = welcome(console)
    body = f"Un avis à reprendre ({time.time_ns()})"
    held = console.http.post(
        console.url(f"/v1/sites/demo/posts/{post['id']}/comments"),
        json={"body": body, "author_name": "Zoé Lectrice"},
    )
    assert held.status_code == 202, held.text
    sign_in(page, console, MANAGER, "/console/t/demo/moderation")
    item = page.get_by_test_id("queue-item").filter(has_text=body)
    expect(item).to_contain_text("held: pre-moderation")
    # A pending comment offers what applies to it, and Restore is not among them.
    expect(item.get_by_role("button", name=re.compile(r"^Restore"))).to_have_count(0)
    item.get_by_role("button", name=re.compile(r"^Approve")).click()
    expect(page.get_by_test_id("moderation-done")).to_contain_text(
        "Approved — comment by Zoé Lectrice"
    )
    expect(item).to_have_count(0)
    assert [c for c in console.pending_comments(post["id"]) if c["body_markdown"] == body] == []
    screenshot(page, "console-undo-390")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("moderation-done")).to_contain_text("Decision undone.")
    expect(page.get_by_test_id("queue-item").filter(has_text=body)).to_be_visible()
    back = [c for c in console.pending_comments(post["id"]) if c["body_markdown"] == body]
    assert back and back[0]["held_reason"] == "policy"
    assert page.errors == []


def test_queue_shortcuts_work_from_anywhere_and_search_narrows_it(browser_page, console):
    page = browser_page
    post = welcome(console)
    word = f"mot{time.time_ns()}"
    body = f"Commentaire avec le {word}"
    console.http.post(
        console.url(f"/v1/sites/demo/posts/{post['id']}/comments"),
        json={"body": body, "author_name": "Zoé Lectrice"},
    )
    sign_in(page, console, MANAGER, "/console/t/demo/moderation")
    page.get_by_label("Words").fill(word.upper())
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(rf"q={word.upper()}"))
    expect(page.get_by_test_id("queue-item")).to_have_count(1)
    expect(page.get_by_test_id("queue-item")).to_contain_text(body)
    # Focus on the page's heading, not the list: "a" still approves the current comment.
    page.locator("h1#page-title").focus()
    page.keyboard.press("a")
    expect(page.get_by_test_id("moderation-done")).to_contain_text("Approved — comment by")
    page.keyboard.press("u")  # undoes it
    expect(page.get_by_test_id("moderation-done")).to_contain_text("Decision undone.")
    expect(page.get_by_test_id("queue-item")).to_contain_text(body)
    # Every decision is reachable by Tab as well.
    approve = page.get_by_test_id("queue-item").get_by_role("button", name=re.compile("^Approve"))
    assert approve.get_attribute("tabindex") != "-1"
    page.get_by_label("Tone", exact=True).select_option("negative")
    expect(page).to_have_url(re.compile(r"tone=negative"))


def test_the_dashboard_charts_take_no_tab_stop(browser_page, console):
    page = browser_page
    sign_in(page, console, MANAGER)
    expect(page.locator(".chart svg").first).to_be_visible()
    page.locator("h1#page-title").focus()
    inside_a_chart = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        inside_a_chart += page.evaluate(
            "() => Boolean(document.activeElement && document.activeElement.closest('.chart'))"
        )
    assert inside_a_chart == 0


def test_a_manager_reads_the_audit_log_as_sentences_and_filters_it_by_person(browser_page, console):
    page = browser_page
    post = console.new_post(f"Un billet audité {time.time_ns()}", "Corps.")
    title = next(p["title"] for p in console.posts(limit=50) if p["id"] == post["id"])
    sign_in(page, console, MANAGER, "/console/t/demo/audit")
    table = page.get_by_test_id("audit-table")
    expect(table.get_by_text(f"Manon Manager published “{title}”")).to_be_visible()
    # Made through the API: its request id is shown.
    row = table.get_by_role("row").filter(has_text=f"published “{title}”")
    expect(row.locator("code")).to_have_text(re.compile(r"^[0-9a-f]{32}$"))
    page.get_by_label("Person").select_option(label="Alice Auteur")
    expect(page).to_have_url(re.compile(r"actor=[0-9a-f-]{36}"))
    expect(table.get_by_text(f"published “{title}”")).to_have_count(0)
    for sentence in table.locator("tbody th").all():
        expect(sentence).to_contain_text("Alice Auteur")
    screenshot(page, "console-audit-by-person")
    assert page.errors == []


def test_a_moderator_turns_the_queue_digest_off_and_on(browser_page, console):
    """The notifications screen shows the switches the role receives and saves each as it
    is flipped; the API reads what was chosen."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, console, MODERATOR, "/console/t/demo/notifications")
    expect(page.get_by_role("heading", level=1, name="My mail notifications")).to_be_visible()
    digest = page.get_by_label("when comments wait for moderation")
    expect(digest).to_be_checked()
    expect(page.get_by_label("when a webhook endpoint is disabled")).to_have_count(0)
    digest.uncheck()
    expect(page.get_by_test_id("notifications-saved")).to_be_visible()
    session = console.http.post(
        console.url("/v1/auth/token"),
        data={"username": MODERATOR, "password": DEMO_PASSWORD},
    ).json()
    mine = console.http.get(
        console.url("/v1/sites/demo/me/notifications"),
        headers={"Authorization": f"Bearer {session['access_token']}"},
    ).json()
    assert mine["moderation_digest"] is False
    page.reload()
    expect(page.get_by_label("when comments wait for moderation")).not_to_be_checked()
    page.get_by_label("when comments wait for moderation").check()
    expect(page.get_by_label("when comments wait for moderation")).to_be_checked()
    expect(page.get_by_test_id("notifications-saved")).to_be_visible()
    assert page.errors == []
