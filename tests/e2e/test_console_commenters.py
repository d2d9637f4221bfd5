"""The commenter panel in a real browser: a manager trusts a commenter and their next
comment goes straight onto the theme; a moderator bans one and their next comment waits
in the queue. Each journey puts the tenant's policy and the person's standing back."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_TENANT
from tests.e2e.conftest import Api, screenshot
from tests.e2e.test_console_journeys import MANAGER, MODERATOR, READER, sign_in, welcome

RITA = "Rita Reader"


@pytest.fixture(scope="module")
def console(console_built, live_api: Api) -> Api:
    assert live_api.http.get(live_api.url("/console/")).status_code == 200
    return live_api


@pytest.fixture
def pre_moderated(console: Api) -> Iterator[None]:
    """Every comment waits for a moderator while the test runs; Rita ends with no standing."""
    before = console.site()["settings"]["comment_policy"]
    console.patch_site({"settings": {"comment_policy": "pre"}})
    try:
        yield
    finally:
        console.patch_site({"settings": {"comment_policy": before}})
        me = console.as_user(READER, "GET", "/v1/me").json()
        console.as_manager(
            "PUT", f"/v1/tenants/{DEMO_TENANT}/commenters/{me['id']}", json={"standing": None}
        )


def _rita_writes(console: Api, post_id: str, body: str) -> int:
    path = f"/v1/sites/{DEMO_TENANT}/posts/{post_id}/comments"
    return console.as_user(READER, "POST", path, json={"body": body}).status_code


def _open_panel(page, body: str):
    item = page.get_by_test_id("queue-item").filter(has_text=body)
    item.get_by_role("button", name=f"Commenter — {RITA}").click()
    panel = page.get_by_test_id("commenter-panel")
    expect(panel.get_by_role("heading", name=RITA)).to_be_visible()
    return panel


def test_a_manager_trusts_a_commenter_whose_next_comment_skips_pre_moderation(
    browser_page, console, pre_moderated
):
    page = browser_page
    post = welcome(console)
    first = f"Rita attend la modération ({time.time_ns()})"
    assert _rita_writes(console, post["id"], first) == 202
    sign_in(page, console, MANAGER, "/console/t/demo/moderation")
    panel = _open_panel(page, first)
    expect(panel).to_contain_text("Reports received")
    panel.get_by_label("Trusted").check()
    panel.get_by_label("Note for the moderators").fill("Lectrice fidèle")
    panel.get_by_role("button", name="Save").click()
    expect(panel.get_by_test_id("commenter-saved")).to_contain_text(f"Saved for {RITA}")
    screenshot(page, "console-commenter-trusted")

    second = f"Rita de confiance ({time.time_ns()})"
    assert _rita_writes(console, post["id"], second) == 201
    page.goto(console.url(f"/s/demo/blogs/{post['blog']['slug']}/{post['slug']}"))
    expect(page.get_by_test_id("comment-list").get_by_text(second)).to_be_visible()
    assert page.errors == []


def test_a_moderator_bans_a_commenter_whose_next_comment_is_held(
    browser_page, console, pre_moderated
):
    page = browser_page
    post = welcome(console)
    console.patch_site({"settings": {"comment_policy": "open"}})
    first = f"Rita publie librement ({time.time_ns()})"
    assert _rita_writes(console, post["id"], first) == 201
    sign_in(page, console, MODERATOR, "/console/t/demo/moderation?status=approved")
    panel = _open_panel(page, first)
    panel.get_by_label("Banned").check()
    panel.get_by_role("button", name="Save").click()
    expect(panel.get_by_test_id("commenter-saved")).to_contain_text(f"Saved for {RITA}")

    second = f"Rita bannie ({time.time_ns()})"
    assert _rita_writes(console, post["id"], second) == 202  # held, like any held comment
    page.goto(console.url("/console/t/demo/moderation"))
    held = page.get_by_test_id("queue-item").filter(has_text=second)
    expect(held).to_contain_text("held: banned commenter")
    expect(page).to_have_url(re.compile(r"/moderation$"))
    screenshot(page, "console-commenter-banned")
    assert page.errors == []
