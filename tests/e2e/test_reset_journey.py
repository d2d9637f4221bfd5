"""Password reset in a real browser: the demo manager asks on the theme, a worker sends
the mail to a real SMTP server (aiosmtpd on loopback), the link from the mail opens the
reset page, the new password signs in and the old one no longer does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from api.demo import DEMO_PASSWORD
from tests.conftest import JWT_KEYS, ROOT
from tests.e2e.conftest import NAME, Api, axe_violations, screenshot
from tests.mail.helpers import link_in
from tests.mail.smtp_server import Arrived, Handler, smtp_server

MANAGER = "manager@demo.causerie.test"
MODERATOR = "moderator@demo.causerie.test"
NEW = "un tout nouveau mot de passe"
BOUND = 60.0


@pytest.fixture(scope="module")
def mailbox(console_built, live_api: Api, pg_server) -> Iterator[Handler]:
    """A real SMTP server, and a worker process sending the live API's mail to it (the
    console's build is mounted, for the console's own reset)."""
    with smtp_server() as (handler, port):
        env = {
            **os.environ,
            "DATABASE_URL": pg_server.set(database=NAME).render_as_string(hide_password=False),
            "CAUSERIE_JWT_KEYS": JWT_KEYS,
            "CAUSERIE_ENVIRONMENT": "test",
            "CAUSERIE_LOG_LEVEL": "WARNING",
            "CAUSERIE_PUBLIC_BASE_URL": live_api.base,
            "CAUSERIE_MAIL_SMTP_HOST": "127.0.0.1",
            "CAUSERIE_MAIL_SMTP_PORT": str(port),
            "CAUSERIE_MAIL_SMTP_SECURITY": "none",
            "CAUSERIE_WORKER_POLL_SECONDS": "0.2",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield handler
        finally:
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()


def arrived(handler: Handler, count: int) -> None:
    """Wait until the worker process's mail #``count`` reaches the SMTP server."""
    assert handler.wait_for(count, BOUND), f"no mail #{count} within {BOUND} s"


def first(handler: Handler, to: str, subject: str, after: int = 0) -> Arrived:
    """The first mail to ``to`` whose subject holds ``subject``, from #``after`` on,
    waiting for each new arrival (the worker also sends other mail meanwhile: the demo's
    queue digest to its staff)."""
    seen = after
    while True:
        for mail in handler.arrived[seen:]:
            if mail.envelope_to == [to] and subject in str(mail.message["Subject"]):
                return mail
        seen = len(handler.arrived)
        arrived(handler, seen + 1)


def test_the_demo_manager_resets_a_forgotten_password(browser_page, live_api: Api, mailbox):
    page = browser_page
    page.goto(live_api.url("/s/demo/signin"))
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(
        page.get_by_role("heading", level=1, name="Réinitialiser votre mot de passe")
    ).to_be_visible()
    page.get_by_label("E-mail", exact=True).fill(MANAGER)
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "reset-1-asked")

    mail = first(mailbox, MANAGER, "Réinitialisez votre mot de passe")
    assert mail.message["Subject"] == "Réinitialisez votre mot de passe sur Causerie Demo"
    link = link_in(mail.part("plain"), "reset-password")
    assert link.startswith(live_api.url("/s/demo/reset-password?token="))

    page.goto(link)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_test_id("reset-done")).to_be_visible()
    screenshot(page, "reset-2-done")

    # The link was for one use: opening it again and trying is refused, nothing changes.
    page.goto(link)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("encore un autre mot de passe")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce lien n'est plus valable")

    page.goto(live_api.url("/s/demo/signin"))
    page.get_by_label("E-mail", exact=True).fill(MANAGER)
    page.get_by_label("Mot de passe", exact=True).fill(NEW)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    old = live_api.http.post(
        live_api.url("/v1/auth/token"), data={"username": MANAGER, "password": DEMO_PASSWORD}
    )
    assert old.status_code == 401
    assert first(mailbox, MANAGER, "a changé")  # the notice of the change
    assert page.errors == []


def test_a_reader_moves_the_account_to_a_new_address(browser_page, live_api: Api, mailbox):
    """On the theme, in French: ask with the current password, open the link the worker
    mailed to the new address, confirm, sign in with the new address."""
    page = browser_page
    old, new = f"depart-{os.getpid()}@example.test", f"arrivee-{os.getpid()}@example.test"
    start = len(mailbox.arrived)
    joined = live_api.http.post(
        live_api.url("/v1/sites/demo/signup"),
        json={"email": old, "password": NEW, "display_name": "Lectrice Mobile"},
    )
    assert joined.status_code == 201, joined.text
    page.goto(live_api.url("/s/demo/signin"))
    page.get_by_label("E-mail", exact=True).fill(old)
    page.get_by_label("Mot de passe", exact=True).fill(NEW)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Adresse e-mail").click()
    expect(
        page.get_by_role("heading", level=1, name="Changer votre adresse e-mail")
    ).to_be_visible()
    page.get_by_label("Nouvelle adresse e-mail").fill(new)
    page.get_by_label("Mot de passe actuel").fill(NEW)
    page.get_by_role("button", name="Envoyer le lien de confirmation").click()
    expect(page.get_by_test_id("email-change-sent")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "email-change-1-asked")

    arrived(mailbox, start + 3)  # the sign-up's confirmation, then the two of the change
    got = {
        m.envelope_to[0]: m
        for m in mailbox.arrived[start:]
        if "changement" in m.message["Subject"] or "nouvelle adresse" in m.message["Subject"]
    }
    assert set(got) == {old, new}
    link = link_in(got[new].part("plain"), "confirm-email")
    assert link.startswith(live_api.url("/s/demo/confirm-email?token="))
    assert new in got[old].part("plain")

    page.goto(link)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer la nouvelle adresse").click()
    expect(page.get_by_test_id("email-change-done")).to_be_visible()
    screenshot(page, "email-change-2-done")

    page.goto(live_api.url("/s/demo/signin"))
    page.get_by_label("E-mail", exact=True).fill(new)
    page.get_by_label("Mot de passe", exact=True).fill(NEW)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    before = live_api.http.post(
        live_api.url("/v1/auth/token"), data={"username": old, "password": NEW}
    )
    assert before.status_code == 401
    assert page.errors == []


def test_a_reset_asked_from_the_console_comes_back_to_the_console(
    browser_page, live_api: Api, mailbox
):
    """The demo moderator asks on the console's page; the mail's link opens the console's
    reset page (not the theme's), the new password signs in to the console."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    start = len(mailbox.arrived)
    page.goto(live_api.url("/console/"))
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1, name="Reset your password")).to_be_visible()
    page.get_by_label("Site (tenant slug)").fill("demo")
    page.get_by_label("E-mail", exact=True).fill(MODERATOR)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()

    mail = first(mailbox, MODERATOR, "Réinitialisez votre mot de passe", after=start)
    link = link_in(mail.part("plain"), "reset-password")
    assert link.startswith(live_api.url("/console/reset-password?tenant=demo&token="))

    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW)
    assert axe_violations(page) == []
    assert (
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )
    screenshot(page, "console-reset-390")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_test_id("reset-done")).to_be_visible()
    assert axe_violations(page) == []

    # Once only: the same link again is refused.
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("encore un autre mot de passe")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid any more")

    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Sign in to the console")).to_be_visible()
    page.get_by_label("E-mail").fill(MODERATOR)
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    old = live_api.http.post(
        live_api.url("/v1/auth/token"), data={"username": MODERATOR, "password": DEMO_PASSWORD}
    )
    assert old.status_code == 401
    assert page.errors == []
