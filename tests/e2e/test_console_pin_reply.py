"""A manager answers a comment as staff from the queue and pins another, on a phone, in
a real Chromium; the theme then shows the pinned comment first and the reply with its
staff badge. The journey writes on a post of its own and deletes it at the end."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_TENANT
from tests.e2e.conftest import Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, READER, sign_in
from tests.e2e.test_console_screens import _overflow

RITA = "Rita Reader"


@pytest.fixture(scope="module")
def console(console_built, live_api: Api) -> Api:
    assert live_api.http.get(live_api.url("/console/")).status_code == 200
    return live_api


def _visible_comment(console: Api, post_id: str, body: str) -> str:
    path = f"/v1/sites/{DEMO_TENANT}/posts/{post_id}/comments"
    written = console.as_user(READER, "POST", path, json={"body": body}).json()
    if written["status"] != "approved":
        console.moderate(written["id"], "approve")
    return str(written["id"])


def test_a_manager_replies_as_staff_and_pins_a_comment(browser_page, console):
    page: Any = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    stamp = time.time_ns()
    post = console.new_post(f"Épingles et réponses {stamp}", "Un billet pour la discussion.")
    try:
        first = f"Premier avis de Rita ({stamp})"
        second = f"Une question de Rita ({stamp})"
        _visible_comment(console, post["id"], first)
        _visible_comment(console, post["id"], second)
        sign_in(
            page, console, MANAGER, f"/console/t/demo/moderation?status=approved&post={post['id']}"
        )
        question = page.get_by_test_id("queue-item").filter(has_text=second)
        question.get_by_role("button", name=f"Reply — {RITA}").click()
        box = question.get_by_label(f"Reply to {RITA} as staff")
        expect(box).to_be_focused()
        assert _overflow(page) == 0
        assert axe_violations(page) == []
        screenshot(page, "console-staff-reply-390")
        answer = f"Merci Rita, nous y répondons ({stamp})"
        box.fill(answer)
        question.get_by_role("button", name="Publish the reply").click()
        expect(page.get_by_test_id("moderation-done")).to_contain_text("Reply published")
        reply = page.get_by_test_id("queue-item").filter(has_text=answer)
        expect(reply).to_contain_text("Staff")

        question.get_by_role("button", name=f"Pin — {RITA}").click()
        expect(page.get_by_test_id("moderation-done")).to_contain_text("Pinned first")
        expect(question.get_by_role("button", name=f"Unpin — {RITA}")).to_be_visible()
        expect(question).to_contain_text("Pinned")
        assert axe_violations(page) == []

        page.goto(console.url(f"/s/demo/blogs/{post['blog']}/{post['slug']}"))
        listing = page.get_by_test_id("comment-list").first
        expect(listing).to_be_visible()
        top = listing.locator(":scope > li").first
        expect(top).to_contain_text(second)
        expect(top.get_by_test_id("pinned-badge")).to_have_text("Épinglé")  # the blog is French
        staff = top.locator("li").filter(has_text=answer)
        expect(staff.get_by_test_id("staff-badge")).to_have_text("équipe")
        expect(listing.locator(":scope > li").nth(1)).to_contain_text(first)
        assert _overflow(page) == 0
        assert axe_violations(page) == []
        screenshot(page, "theme-pinned-and-staff-390")
        assert page.errors == []
    finally:
        console.as_manager("DELETE", f"/v1/tenants/{DEMO_TENANT}/posts/{post['id']}")
