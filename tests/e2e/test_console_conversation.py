"""What is said, in a real browser: readers complain of a word nobody used before; a
manager opens the screen, finds it among the most talked-about and rising terms, reads
an example, then narrows to negative comments, in English and in French."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_TENANT
from tests.e2e.conftest import Api, screenshot
from tests.e2e.test_console_journeys import ALICE, MANAGER, READER, sign_in, welcome


@pytest.fixture(scope="module")
def console(console_built, live_api: Api) -> Api:
    assert live_api.http.get(live_api.url("/console/")).status_code == 200
    return live_api


def _approve_all(console: Api, post_id: str) -> None:
    for comment in console.pending_comments(post_id):
        console.moderate(comment["id"], "approve")


def test_a_manager_reads_what_the_conversation_is_about(browser_page, console):
    page = browser_page
    post = welcome(console)
    path = f"/v1/sites/{DEMO_TENANT}/posts/{post['id']}/comments"
    stamp = time.time_ns()
    for n, who in enumerate((READER, ALICE, READER)):
        body = f"Le zeppelin est en retard, quelle déception ({stamp}-{n})."
        console.as_user(who, "POST", path, json={"body": body})
    _approve_all(console, post["id"])

    sign_in(page, console, MANAGER, "/console/t/demo/conversation")
    top = page.get_by_test_id("topics-top-card")
    row = top.get_by_role("row").filter(has=page.get_by_role("rowheader", name="zeppelin"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3")
    rising = page.get_by_test_id("topics-rising-card")
    expect(rising.get_by_role("rowheader", name="zeppelin")).to_have_count(1)
    row.locator("summary").click()
    expect(row.locator("q").first).to_contain_text("zeppelin")
    screenshot(page, "console-conversation")

    page.get_by_label("Comments", exact=True).select_option("negative")
    expect(page.get_by_role("heading", name="What the complaints are about")).to_be_visible()
    expect(page.get_by_test_id("topics-summary")).to_contain_text("negative comments")

    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Ce dont on se plaint")).to_be_visible()
    screenshot(page, "console-conversation-fr")
    assert page.errors == []
