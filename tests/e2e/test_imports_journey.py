"""An import in a real browser, with a real worker process: the demo manager uploads a
WordPress export on the console's Imports screen, tries it dry (nothing is written),
then imports it; the worker runs both jobs, the screen follows their progress, and the
posts appear on the theme, where an old WordPress address opens the imported post."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import JWT_KEYS, ROOT
from tests.e2e.conftest import NAME, Api, axe_violations, screenshot
from tests.e2e.test_console_journeys import MANAGER, console, sign_in  # noqa: F401
from tests.imports.helpers import author, comment, item, wxr

BOUND_MS = 60_000  # the worker polls every 0.2 s; a loaded machine may take a while


@pytest.fixture(scope="module")
def worker(live_api: Api, pg_server) -> Iterator[None]:
    """A worker process running the live API's queued jobs (it shares the data
    directory where the API keeps uploads: same working directory and settings)."""
    env = {
        **os.environ,
        "DATABASE_URL": pg_server.set(database=NAME).render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_LOG_LEVEL": "WARNING",
        "CAUSERIE_PUBLIC_BASE_URL": live_api.base,
        "CAUSERIE_WORKER_POLL_SECONDS": "0.2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _export(path: Path) -> Path:
    path.write_bytes(
        wxr(
            author("marie", "marie@old-blog.example", "Marie Curieuse"),
            item(
                501,
                title="Notre ancienne recette de pain",
                slug="ancienne-recette-de-pain",
                body="<p>Farine, eau, sel et <strong>patience</strong>.</p>",
                creator="marie",
                comments=comment(9001, body="Merci, je la teste ce week-end")
                + comment(9002, parent=9001, body="Et alors, ce pain ?", name="Paul"),
            ),
            item(
                502,
                title="Un second billet venu d'ailleurs",
                slug="second-billet-venu-dailleurs",
                creator="marie",
            ),
            site="https://old-blog.example",
        )
    )
    return path


def _moved(api: Api):
    return api.http.get(
        api.url("/v1/sites/demo/redirect"),
        params={"path": "/2019/05/ancienne-recette-de-pain/", "as": "json"},
    )


def test_a_manager_imports_a_wordpress_export_and_the_posts_appear(
    browser_page,
    console: Api,  # noqa: F811
    worker: None,
    tmp_path: Path,
):
    page = browser_page
    export = _export(tmp_path / "old-blog.xml")
    sign_in(page, console, MANAGER, "/console/t/demo/imports")
    expect(page.get_by_role("heading", level=1, name="Imports")).to_be_visible()
    form = page.get_by_role("form", name="New import")

    # A dry run first (ticked by default): the report, and nothing written.
    expect(form.get_by_label("Dry run: report only")).to_be_checked()
    form.get_by_label("Export file").set_input_files(str(export))
    form.get_by_role("button", name="Try the import").click()
    jobs = page.get_by_test_id("imports-list").get_by_role("listitem")
    expect(jobs.first).to_contain_text("dry run", timeout=BOUND_MS)
    expect(jobs.first).to_contain_text("Done", timeout=BOUND_MS)
    expect(jobs.first).to_contain_text("Created: 2 posts, 2 comments")
    assert _moved(console).status_code == 404  # no post lives at the old address yet
    assert axe_violations(page) == []
    screenshot(page, "console-imports-dry-run")

    # Then the import itself.
    form.get_by_label("Dry run: report only").uncheck()
    form.get_by_label("Export file").set_input_files(str(export))
    form.get_by_role("button", name="Import", exact=True).click()
    expect(jobs).to_have_count(2, timeout=BOUND_MS)
    expect(jobs.first).not_to_contain_text("dry run")
    expect(jobs.first).to_contain_text("Done", timeout=BOUND_MS)
    expect(jobs.first).to_contain_text("2 of 2 posts")
    expect(jobs.first).to_contain_text("Created: 2 posts, 2 comments")
    screenshot(page, "console-imports-done")
    assert page.errors == []

    # The post is on the theme at its new address, with its comments; the old WordPress
    # address opens it too.
    moved = _moved(console)
    assert moved.status_code == 200, moved.text
    page.goto(console.url(f"/s/demo/blogs/{moved.json()['blog']}/ancienne-recette-de-pain"))
    expect(
        page.get_by_role("heading", level=1, name="Notre ancienne recette de pain")
    ).to_be_visible()
    expect(page.get_by_text("Merci, je la teste ce week-end")).to_be_visible()
    page.goto(console.url("/s/demo/2019/05/ancienne-recette-de-pain/"))
    expect(
        page.get_by_role("heading", level=1, name="Notre ancienne recette de pain")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/s/demo/blogs/[^/]+/ancienne-recette-de-pain$"))
    expect(page.get_by_text("Merci, je la teste ce week-end")).to_be_visible()
    assert page.errors == []
