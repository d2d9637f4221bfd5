"""The console's webhooks screen on a phone (390 px): a manager adds an endpoint and sees
its secret once, sends a test event, reads that delivery's request and resends it; the
screen passes axe and never scrolls sideways, in English and in French.

The live API runs no worker here, so deliveries stay pending: what is checked is the
screen, the API's answers to it and the log it shows (sending is tests/webhooks/)."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, console, sign_in  # noqa: F401

URL = "https://93.184.215.14/brand-hook"


def _fits(page: Any) -> int:
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_a_manager_registers_an_endpoint_and_works_its_delivery_log(browser_page, console: Api):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, console, MANAGER, "/console/t/demo/webhooks")
    expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()

    form = page.get_by_role("form", name="Add an endpoint")
    form.get_by_label("URL").fill(URL)
    form.get_by_label("Description").fill("Brand front-end")
    form.get_by_role("checkbox", name="rating.changed").check()
    form.get_by_role("button", name="Add an endpoint").click()
    secret = page.get_by_test_id("webhook-secret")
    expect(secret).to_be_visible()
    assert page.get_by_label("Signing secret").input_value().startswith("whsec_")
    table = page.get_by_test_id("webhooks-table")
    row = table.get_by_role("row").filter(has_text=URL)
    expect(row).to_contain_text("rating.changed")
    problems: dict[str, Any] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        found = {"overflow": _fits(page), "axe": axe_violations(page)}
        if found["overflow"] > 0 or found["axe"]:
            problems[name] = found
        screenshot(page, f"console-webhooks-{name}-390")

    check("created")
    row.get_by_role("button", name="Send a test event").click()
    deliveries = page.get_by_test_id("deliveries-table")
    expect(deliveries.get_by_role("row").filter(has_text="webhook.test")).to_have_count(1)
    expect(deliveries).to_contain_text("pending")
    deliveries.get_by_role("button", name="Request and response").first.click()
    detail = page.get_by_test_id("delivery-detail")
    expect(detail).to_contain_text('"type":"webhook.test"')
    deliveries.get_by_role("button", name="Resend").first.click()
    expect(deliveries.get_by_role("row").filter(has_text="webhook.test")).to_have_count(2)
    check("deliveries")

    # The secret is shown once: after a reload it is gone, and the list never carries it.
    page.reload()
    expect(page.get_by_test_id("webhooks-table")).to_be_visible()
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
    listed = console.as_manager("GET", "/v1/tenants/demo/webhooks").json()
    assert all("secret" not in e for e in listed)

    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()
    expect(page.get_by_role("button", name="Envoyer un événement de test").first).to_be_visible()
    check("fr")
    assert problems == {}, json.dumps(problems, indent=1)
    assert page.errors == []
