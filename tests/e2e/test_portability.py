"""Exports and readers' rights in a real browser, on the demo tenant (this module's own
database): a manager asks for an export in the console and downloads one reader's data
on their request; a reader downloads their own data from the theme, then deletes their
account there. Each screen passes axe.

The live API runs no worker here, so the export stays queued: the archive itself is
built and checked in tests/portability/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, READER, console, sign_in  # noqa: F401
from tests.e2e.test_theme_journey import _sign_in


def _saved(download: Any) -> dict[str, Any]:
    return dict(json.loads(Path(download.path()).read_text()))


def test_a_manager_asks_for_an_export_and_answers_a_readers_request(browser_page, console: Api):  # noqa: F811
    page = browser_page
    sign_in(page, console, MANAGER, "/console/t/demo/exports")
    expect(page.get_by_role("heading", level=1, name="Export everything")).to_be_visible()
    page.get_by_role("button", name="Start an export").click()
    expect(page.get_by_test_id("exports-list")).to_contain_text("waiting")
    expect(page.get_by_role("button", name="Start an export")).to_be_disabled()
    listed = console.as_manager("GET", "/v1/tenants/demo/exports").json()
    assert [e["status"] for e in listed] == ["queued"]

    form = page.get_by_role("form", name="A reader's request")
    form.get_by_label("Reader").select_option(label=f"{_name(console, READER)} ({READER})")
    with page.expect_download() as download:
        form.get_by_role("button", name="Download their data").click()
    data = _saved(download.value)
    assert data["format"] == "causerie-reader-data" and data["profile"]["email"] == READER
    assert axe_violations(page) == []
    screenshot(page, "console-exports")
    assert page.errors == []


def _name(api: Api, email: str) -> str:
    members = api.as_manager("GET", "/v1/tenants/demo/members", params={"limit": 100}).json()
    return next(m["display_name"] for m in members["items"] if m["email"] == email)


def test_a_reader_downloads_their_data_then_deletes_their_account(browser_page, live_api: Api):
    page = browser_page
    _sign_in(page, live_api, READER)
    page.get_by_role("link", name="Mes données").click()
    expect(page.get_by_role("heading", level=1, name="Mes données sur ce site")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger mes données").click()
    data = _saved(download.value)
    assert data["format"] == "causerie-reader-data" and data["profile"]["email"] == READER
    assert axe_violations(page) == []
    screenshot(page, "theme-my-data")

    delete = page.get_by_role("button", name="Supprimer mon compte ici")
    expect(delete).to_be_disabled()
    page.get_by_label("Je comprends que c\u2019est définitif").check()
    delete.click()
    expect(page.get_by_role("status")).to_have_text("Votre compte sur ce site est supprimé.")
    headers = live_api.token_for(READER)
    after = live_api.http.get(live_api.url("/v1/sites/demo/me/data"), headers=headers)
    assert after.status_code == 403  # no longer a member of the site
    assert page.errors == []
