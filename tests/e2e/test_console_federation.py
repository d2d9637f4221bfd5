"""The console's fediverse blocks screen on a phone (390 px): a manager blocks a domain
and reads how many items went, sees it listed, is told why a malformed domain is
refused, unblocks it; the screen passes axe and never scrolls sideways, in English and
in French. What a block does to follows, replies and deliveries is tests/federation/."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, console, sign_in  # noqa: F401


def _fits(page: Any) -> int:
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_a_manager_blocks_and_unblocks_a_fediverse_domain(browser_page, console: Api):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, console, MANAGER, "/console/t/demo/federation")
    expect(page.get_by_role("heading", level=1, name="Fediverse blocks")).to_be_visible()
    expect(page.get_by_text("No blocked domain.")).to_be_visible()
    problems: dict[str, Any] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        found = {"overflow": _fits(page), "axe": axe_violations(page)}
        if found["overflow"] > 0 or found["axe"]:
            problems[name] = found
        screenshot(page, f"console-federation-{name}-390")

    check("empty")
    form = page.get_by_role("form", name="Block a domain")
    form.get_by_label("Domain (an instance or a site)").fill("Spam.Example")
    form.get_by_role("button", name="Block a domain").click()
    expect(page.get_by_test_id("block-done")).to_have_text(
        "spam.example is blocked. Items dropped: 0."
    )
    listed = page.get_by_role("list", name="Blocked domains")
    expect(listed.get_by_role("listitem")).to_have_text(["spam.example Unblock"])
    assert console.as_manager("GET", "/v1/tenants/demo/federation/blocks").json() == {
        "domains": ["spam.example"]
    }
    check("blocked")

    # A malformed domain: the API's refusal is shown, the list is unchanged.
    form.get_by_label("Domain (an instance or a site)").fill("not a domain")
    form.get_by_role("button", name="Block a domain").click()
    expect(form.get_by_test_id("error-notice")).to_be_visible()
    expect(listed.get_by_role("listitem")).to_have_count(1)
    check("refused")

    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1, name="Blocages du fédivers")).to_be_visible()
    check("fr")
    page.get_by_role("button", name="Débloquer — spam.example").click()
    expect(page.get_by_text("Aucun domaine bloqué.")).to_be_visible()
    assert console.as_manager("GET", "/v1/tenants/demo/federation/blocks").json() == {"domains": []}
    assert problems == {}, json.dumps(problems, indent=1)
    assert page.errors == []
