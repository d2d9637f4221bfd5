"""Browser tests: the built theme, served by a real API process, in a real Chromium.

- The API runs in uvicorn (a subprocess) on a free port, on a database of its own,
  migrated and seeded with the demo tenant, like the schemathesis run.
- Chromium is Debian's (``/usr/bin/chromium``) driven by Playwright's Python package;
  no browser is downloaded. Without it the tests skip, except in CI (``CI=true``),
  where a missing browser is a failure.
- Each test gets a fresh browser profile, so tokens, votes and caches never leak
  from one test to the next. Screenshots go to ``test-output/`` (not in git).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.demo import DEMO_PASSWORD, DEMO_TENANT
from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS, ROOT

CHROMIUM = Path(os.environ.get("CAUSERIE_CHROMIUM", "/usr/bin/chromium"))
THEME_DIST = ROOT / "frontends" / "theme" / "dist"
CONSOLE_DIST = ROOT / "frontends" / "console" / "dist"
SCREENSHOTS = ROOT / "test-output"
NAME = f"causerie_e2e_{os.getpid()}"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM} (make test installs it as root)."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " CI must run the browser tests.", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _theme_is_fresh() -> bool:
    index = THEME_DIST / "index.html"
    if not index.is_file():
        return False
    built = index.stat().st_mtime
    sources = [ROOT / "frontends" / "theme" / "src", ROOT / "frontends" / "client" / "src"]
    return all(f.stat().st_mtime <= built for d in sources for f in d.rglob("*") if f.is_file())


def _ensure_theme_built() -> None:
    """The tests run what a reader would get: the build of the current sources."""
    if _theme_is_fresh():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "The theme is not built (or is stale) and npm is missing: run `make frontends`."
        )
    subprocess.run([npm, "run", "build"], cwd=ROOT / "frontends", check=True)


def _console_is_fresh() -> bool:
    index = CONSOLE_DIST / "index.html"
    if not index.is_file():
        return False
    built = index.stat().st_mtime
    sources = [ROOT / "frontends" / "console" / "src", ROOT / "frontends" / "client" / "src"]
    return all(f.stat().st_mtime <= built for d in sources for f in d.rglob("*") if f.is_file())


def _ensure_console_built() -> None:
    """The console's journeys run its build of the current sources (served at /console/)."""
    if _console_is_fresh():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "The console is not built (or is stale) and npm is missing: run `make frontends`."
        )
    subprocess.run([npm, "run", "build", "-w", "console"], cwd=ROOT / "frontends", check=True)


@pytest.fixture(scope="session")
def console_built() -> None:
    """Request it before ``live_api``: the API mounts the console's build when it starts."""
    _require_browser()
    _ensure_console_built()


@dataclass
class Api:
    """The live API, with the demo manager signed in for arranging each scene."""

    base: str
    http: httpx.Client
    manager: dict[str, str]

    def url(self, path: str) -> str:
        return self.base + path

    def as_manager(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, self.url(path), headers=self.manager, **kwargs)
        assert response.status_code < 400, (method, path, response.status_code, response.text)
        return response

    def patch_site(self, changes: dict[str, Any]) -> None:
        self.as_manager("PATCH", f"/v1/tenants/{DEMO_TENANT}", json=changes)

    def site(self) -> dict[str, Any]:
        return self.as_manager("GET", f"/v1/tenants/{DEMO_TENANT}").json()

    def posts(self, **query: Any) -> list[dict[str, Any]]:
        response = self.http.get(self.url(f"/v1/sites/{DEMO_TENANT}/posts"), params=query)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def pending_comments(self, post_id: str) -> list[dict[str, Any]]:
        path = f"/v1/tenants/{DEMO_TENANT}/comments"
        return self.as_manager("GET", path, params={"status": "pending", "post": post_id}).json()[
            "items"
        ]

    def moderate(self, comment_id: str, action: str) -> None:
        self.as_manager("POST", f"/v1/tenants/{DEMO_TENANT}/comments/{comment_id}/{action}")

    def token_for(self, email: str) -> dict[str, str]:
        """Bearer headers for any demo account (they share DEMO_PASSWORD)."""
        response = self.http.post(
            self.url("/v1/auth/token"), data={"username": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def as_user(self, email: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.token_for(email), **kwargs.pop("headers", {})}
        response = self.http.request(method, self.url(path), headers=headers, **kwargs)
        assert response.status_code < 400, (method, path, response.status_code, response.text)
        return response

    def new_post(self, title: str, body: str, tags: list[str] | None = None) -> dict[str, Any]:
        blogs = self.as_manager("GET", f"/v1/tenants/{DEMO_TENANT}/blogs").json()["items"]
        # The manager's own blog in the demo data.
        blog = next(b for b in blogs if b["slug"] == "la-vie-de-la-communaute")
        post = self.as_manager(
            "POST",
            f"/v1/tenants/{DEMO_TENANT}/blogs/{blog['id']}/posts",
            json={"title": title, "body_markdown": body, "tags": tags or []},
        ).json()
        self.as_manager("POST", f"/v1/tenants/{DEMO_TENANT}/posts/{post['id']}/publish")
        return {"id": post["id"], "slug": post["slug"], "blog": blog["slug"]}


@pytest.fixture(scope="module")
def live_api(pg_server) -> Iterator[Api]:
    _require_browser()
    _ensure_theme_built()
    asyncio.run(ensure_database(pg_server, NAME, recreate=True))
    url = pg_server.set(database=NAME)
    migrate.upgrade(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_LOG_LEVEL": "WARNING",
        "CAUSERIE_PUBLIC_BASE_URL": base,
        "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
        "CAUSERIE_SIGN_IN_PER_ACCOUNT_PER_MINUTE": "100000",
        "CAUSERIE_COMMENTS_PER_IP_PER_MINUTE": "100000",
        "CAUSERIE_COMMENTS_PER_USER_PER_MINUTE": "100000",
    }
    seed = subprocess.run(
        [sys.executable, "-m", "api.cli", "seed-demo"], env=env, capture_output=True, text=True
    )
    assert seed.returncode == 0, seed.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--no-access-log"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    http = httpx.Client(timeout=10)
    try:
        for _ in range(150):
            try:
                if http.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        token = http.post(
            f"{base}/v1/auth/token",
            data={"username": "manager@demo.causerie.test", "password": DEMO_PASSWORD},
        ).json()["access_token"]
        yield Api(base, http, {"Authorization": f"Bearer {token}"})
    finally:
        http.close()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        asyncio.run(drop_database(pg_server, NAME))


@pytest.fixture(scope="module")
def playwright_driver(live_api: Api) -> Iterator[Any]:
    """Playwright's sync driver keeps an event loop running while it lives: it starts
    after the server is up (whose set-up and tear-down use asyncio.run) and stops
    before the server and the rest of the suite's async tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser_page(playwright_driver, tmp_path) -> Iterator[Any]:
    """A page in a fresh Chromium profile; console errors are collected on ``page.errors``."""
    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1200, "height": 900},
        locale="en-GB",
    )
    context.set_default_timeout(10_000)
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


AXE = ROOT / "frontends" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it stands, one line each (rule: targets)."""
    # Evaluated through the driver, which the page's CSP (no inline script) lets through.
    page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found]


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
