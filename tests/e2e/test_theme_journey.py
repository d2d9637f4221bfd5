"""The public theme in a real browser: a reader's journey, then each bad input.

The demo tenant speaks French, so the interface is French; selectors use roles and
labels (what a screen reader announces) rather than CSS classes.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from typing import Any

import asyncpg
import pytest
from playwright.sync_api import expect

from persistence.database import sync_url
from tests.e2e.conftest import NAME, Api, axe_violations, screenshot

# The console is mounted too (its Reported tab is read below): it must be built before
# the module's API process starts.
pytestmark = pytest.mark.usefixtures("console_built")

VERCORS = "Trois jours dans le Vercors"

XSS = "<img src=x onerror=window.__xss=1>"
WELCOME = "Bienvenue sur le blog de la communauté"


def _contrast(a: str, b: str) -> float:
    def luminance(css: str) -> float:
        r, g, b_ = (int(x) for x in re.findall(r"\d+", css)[:3])

        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b_)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _welcome(api: Api) -> dict[str, Any]:
    return next(p for p in api.posts(limit=50) if p["title"] == WELCOME)


def test_reader_rates_comments_and_sees_the_approved_comment(browser_page, live_api: Api):
    page = browser_page
    page.goto(live_api.url("/?site=demo"))
    expect(page).to_have_url(re.compile(r"/s/demo/$"))
    expect(page.get_by_role("heading", level=1, name="Derniers billets")).to_be_visible()
    expect(page).to_have_title("Causerie Demo")
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    assert page.locator("html").get_attribute("lang") == "fr"
    # The tabs: a click, then the keyboard.
    page.get_by_role("tab", name="Les mieux notés").click()
    expect(page.get_by_role("tab", name="Les mieux notés")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Les plus commentés")).to_be_focused()
    page.get_by_role("tab", name="Récents").click()
    screenshot(page, "journey-1-home")

    page.get_by_role("link", name=WELCOME).first.click()
    expect(page.get_by_role("heading", level=1, name=WELCOME)).to_be_visible()
    expect(page).to_have_title(f"{WELCOME} — Causerie Demo")
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description

    # Rate four stars with the mouse (a click sends), then five with the keyboard (an
    # arrow key chooses, Enter sends). The demo readers have voted already: the summary
    # adds this vote to theirs.
    before = _welcome(live_api)["rating"]["histogram"]

    def summary_after(stars: int) -> str:
        votes = sum(before) + 1
        total = sum(n * (i + 1) for i, n in enumerate(before)) + stars
        return f"{total / votes:.1f}".replace(".", ",") + f" sur 5 ({votes} votes)"

    page.get_by_role("radio", name="4 étoiles").click()
    expect(page.get_by_test_id("rating-status")).to_contain_text("votre vote (4 étoiles)")
    expect(page.get_by_test_id("rating-summary")).to_contain_text(summary_after(4))
    page.get_by_role("radio", name="4 étoiles").press("ArrowRight")
    expect(page.get_by_role("radio", name="5 étoiles")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("rating-status")).to_contain_text("votre vote (5 étoiles)")
    expect(page.get_by_test_id("rating-summary")).to_contain_text(summary_after(5))
    after = _welcome(live_api)["rating"]["histogram"]
    assert after == [*before[:4], before[4] + 1]
    # The vote is the API's to remember: after a reload it is read back from there.
    page.reload()
    expect(page.get_by_text("Votre vote : 5")).to_be_visible()
    expect(page.get_by_role("radio", name="5 étoiles")).to_be_checked()
    # Withdrawn, it stays withdrawn after a reload.
    page.get_by_role("button", name="Retirer mon vote").click()
    expect(page.get_by_text("Votre vote : 5")).to_have_count(0)
    assert _welcome(live_api)["rating"]["histogram"] == before
    with page.expect_response(
        lambda r: r.url.endswith("/rating") and r.request.method == "GET"
    ) as mine:
        page.reload()
    assert mine.value.json()["stars"] is None
    expect(page.get_by_role("heading", level=1, name=WELCOME)).to_be_visible()
    expect(page.get_by_role("radio", name="5 étoiles")).not_to_be_checked()
    expect(page.get_by_text("Votre vote")).to_have_count(0)

    # An anonymous comment on a "trusted" site waits for a moderator (202).
    body = f"Merci pour ce blog ! ({time.time_ns()})"
    page.get_by_label("Votre commentaire").fill(body)
    page.get_by_label("Votre nom").fill("Zoé Lectrice")
    page.get_by_role("button", name="Publier").click()
    held = page.get_by_test_id("comment-held")
    expect(held).to_contain_text("en attente de modération")
    screenshot(page, "journey-2-held")
    expect(page.get_by_text(body)).to_have_count(0)

    # The manager approves it; after a reload every reader sees it.
    post_id = _welcome(live_api)["id"]
    waiting = [c for c in live_api.pending_comments(post_id) if c["body_markdown"] == body]
    assert len(waiting) == 1
    live_api.moderate(waiting[0]["id"], "approve")
    page.reload()
    comments = page.get_by_test_id("comment-list")
    expect(comments.get_by_text(body)).to_be_visible()
    expect(comments.get_by_text("Zoé Lectrice")).to_be_visible()
    screenshot(page, "journey-3-approved")
    assert page.errors == []


def test_signed_in_reader_on_a_premoderated_site_sees_their_held_comment(
    browser_page, live_api: Api
):
    page = browser_page
    live_api.patch_site({"settings": {"comment_policy": "pre"}})
    try:
        page.goto(live_api.url("/s/demo/signin"))
        page.get_by_label("E-mail").fill("reader@demo.causerie.test")
        page.get_by_label("Mot de passe").fill("causerie-demo")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_test_id("signed-in-as")).to_contain_text("Rita Reader")

        page.get_by_role("link", name=WELCOME).first.click()
        body = f"Un commentaire de lectrice ({time.time_ns()})"
        expect(page.get_by_text("Vous commentez en tant que Rita Reader")).to_be_visible()
        page.get_by_label("Votre commentaire").fill(body)
        page.get_by_role("button", name="Publier").click()
        expect(page.get_by_test_id("comment-held")).to_be_visible()

        # Tokens survive a reload (sessionStorage); the author sees their own held comment.
        page.reload()
        expect(page.get_by_test_id("signed-in-as")).to_contain_text("Rita Reader")
        mine = page.get_by_role("listitem").filter(has_text=body)
        expect(mine.get_by_text("En attente de modération")).to_be_visible()
    finally:
        live_api.patch_site({"settings": {"comment_policy": "trusted"}})


def test_unknown_site_and_unknown_post_get_not_found_pages(browser_page, live_api: Api):
    page = browser_page
    page.goto(live_api.url("/s/no-such-site/"))
    expect(page.get_by_role("heading", level=1, name="No site here")).to_be_visible()
    page.goto(live_api.url("/"))
    expect(page.get_by_role("heading", level=1, name="No site here")).to_be_visible()

    page.goto(live_api.url("/s/demo/blogs/la-vie-de-la-communaute/no-such-post"))
    expect(page.get_by_role("heading", level=1, name="Page introuvable")).to_be_visible()
    expect(page).to_have_title(re.compile("Page introuvable"))
    page.goto(live_api.url("/s/demo/nowhere/at/all"))
    expect(page.get_by_role("heading", level=1, name="Page introuvable")).to_be_visible()
    screenshot(page, "not-found")

    # The API's own unknown routes stay problem+json.
    answer = live_api.http.get(live_api.url("/v1/no-such-route"))
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def _open(page: Any, api: Api, post: dict[str, Any]) -> None:
    page.goto(api.url(f"/s/demo/blogs/{post['blog']}/{post['slug']}"))
    expect(page.get_by_role("heading", level=1, name=post["title"])).to_be_visible()


def test_a_post_that_disappears_while_open_says_so(browser_page, live_api: Api):
    page = browser_page
    # The reader comes back to the tab: the post is checked again and found gone.
    first = {
        **live_api.new_post("Un billet éphémère", "Bientôt retiré."),
        "title": "Un billet éphémère",
    }
    _open(page, live_api, first)
    live_api.as_manager("POST", f"/v1/tenants/demo/posts/{first['id']}/unpublish")
    page.evaluate("() => window.dispatchEvent(new Event('visibilitychange'))")
    expect(page.get_by_test_id("post-gone")).to_contain_text("plus disponible")
    screenshot(page, "post-gone")

    # The reader votes on a post deleted meanwhile: the 404 leads to the same message.
    second = {
        **live_api.new_post("Un autre billet", "Bientôt supprimé."),
        "title": "Un autre billet",
    }
    _open(page, live_api, second)
    live_api.as_manager("DELETE", f"/v1/tenants/demo/posts/{second['id']}")
    page.get_by_role("radio", name="3 étoiles").click()
    expect(page.get_by_test_id("post-gone")).to_contain_text("plus disponible")


def test_too_many_comments_says_how_long_to_wait(browser_page, live_api: Api):
    page = browser_page

    def refuse(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=429,
            headers={"Retry-After": "42", "Content-Type": "application/problem+json"},
            body='{"type": "/problems/rate-limited", "title": "Too many requests", '
            '"status": 429, "code": "rate_limited", "detail": "Slow down."}',
        )

    page.route("**/v1/sites/demo/posts/*/comments*", refuse)
    page.goto(live_api.url("/?site=demo"))
    page.get_by_role("link", name=WELCOME).first.click()
    page.get_by_label("Votre commentaire").fill("Encore un commentaire")
    page.get_by_label("Votre nom").fill("Pressé")
    page.get_by_role("button", name="Publier").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Trop de tentatives")
    expect(alert).to_contain_text("42 secondes")
    screenshot(page, "rate-limited")


def test_markup_in_titles_comments_and_brand_fields_is_shown_as_text(browser_page, live_api: Api):
    page = browser_page
    before = live_api.site()
    live_api.patch_site({"name": f"Demo {XSS}", "branding": {"footer_text": f"Pied {XSS}"}})
    try:
        post = live_api.new_post(f"Titre {XSS}", f"Corps {XSS}", tags=["xss"])
        path = f"/v1/sites/demo/posts/{post['id']}/comments"
        written = live_api.http.post(
            live_api.url(path), json={"body": f"Commentaire {XSS}", "author_name": f"Nom {XSS}"}
        )
        assert written.status_code in (201, 202), written.text
        if written.status_code == 202:
            live_api.moderate(written.json()["id"], "approve")

        page.goto(live_api.url("/?site=demo"))
        expect(page.get_by_role("link", name=f"Titre {XSS}")).to_be_visible()
        expect(page.get_by_text(f"Pied {XSS}")).to_be_visible()
        expect(page.get_by_role("link", name=f"Demo {XSS}").first).to_be_visible()
        page.get_by_role("link", name=f"Titre {XSS}").click()
        expect(page.get_by_role("heading", level=1, name=f"Titre {XSS}")).to_be_visible()
        expect(page.get_by_text(f"Commentaire {XSS}")).to_be_visible()
        expect(page.get_by_text(f"Nom {XSS}")).to_be_visible()
        expect(page).to_have_title(re.compile(re.escape(f"Titre {XSS}")))
        screenshot(page, "xss-as-text")
        assert page.evaluate("() => window.__xss") is None
        assert page.locator('img[src="x"]').count() == 0
    finally:
        live_api.patch_site(
            {"name": before["name"], "branding": {"footer_text": before["branding"]["footer_text"]}}
        )


def test_white_text_on_white_stays_readable(browser_page, live_api: Api):
    page = browser_page
    before = live_api.site()["branding"]
    white = "#ffffff"
    live_api.patch_site(
        {
            "branding": {
                "text_color": white,
                "background_color": white,
                "primary_color": white,
                "accent_color": white,
            }
        }
    )
    try:
        page.goto(live_api.url("/?site=demo"))
        expect(page.get_by_role("link", name=WELCOME).first).to_be_visible()
        colours = page.evaluate(
            """() => {
                const style = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
                return {
                    text: style('h1', 'color'),
                    body: style('body', 'backgroundColor'),
                    link: style('.kicker a', 'color'),
                    button: style('.search-form button', 'color'),
                    buttonBg: style('.search-form button', 'backgroundColor'),
                    muted: style('.byline__when', 'color'),
                };
            }"""
        )
        assert _contrast(colours["body"], "rgb(255, 255, 255)") < 1.01  # the tenant's white
        assert _contrast(colours["text"], colours["body"]) >= 4.5, colours
        assert _contrast(colours["link"], colours["body"]) >= 4.5, colours
        assert _contrast(colours["muted"], colours["body"]) >= 4.5, colours
        assert _contrast(colours["button"], colours["buttonBg"]) >= 4.5, colours
        screenshot(page, "white-on-white")
    finally:
        live_api.patch_site(
            {
                "branding": {
                    k: before[k]
                    for k in ("text_color", "background_color", "primary_color", "accent_color")
                }
            }
        )


def test_browsing_authors_tags_and_search(browser_page, live_api: Api):
    page = browser_page
    page.goto(live_api.url("/s/demo/"))
    page.get_by_role("link", name="Alice Auteur").first.click()
    expect(page.get_by_role("heading", level=1, name="Alice Auteur")).to_be_visible()
    expect(page).to_have_title("Alice Auteur — Causerie Demo")
    expect(page.get_by_role("link", name="Trois jours dans le Vercors")).to_be_visible()

    page.get_by_role("link", name="Trois jours dans le Vercors").click()
    page.get_by_role("link", name="#Montagne").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Montagne")
    expect(page.get_by_role("link", name="Préparer son sac pour la montagne")).to_be_visible()

    page.get_by_role("navigation", name="Principale").get_by_role("link", name="Mots-clés").click()
    expect(page.get_by_role("heading", level=1, name="Mots-clés")).to_be_visible()

    page.get_by_label("Rechercher sur le site").fill("Vercors")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/s/demo/search\?q=Vercors$"))
    expect(page.get_by_role("link", name="Trois jours dans le Vercors")).to_be_visible()
    assert page.locator("mark").count() >= 1

    # A phone: one column, nothing wider than the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_api.url("/s/demo/"))
    expect(page.get_by_role("heading", level=1, name="Derniers billets")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "home-phone")


def test_a_reader_signs_up(browser_page, live_api: Api):
    page = browser_page
    page.goto(live_api.url("/s/demo/"))
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Nom affiché avec vos commentaires").fill("Nina Nouvelle")
    page.get_by_label("E-mail").fill(f"nina-{time.time_ns()}@example.com")
    page.get_by_label("Mot de passe").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Créer un compte").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Nina Nouvelle")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


# --- the readers' tools ---------------------------------------------------------------------


def _sign_in(page: Any, api: Api, email: str) -> None:
    page.goto(api.url("/s/demo/signin"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill("causerie-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def _post(api: Api, title: str) -> dict[str, Any]:
    found = next(p for p in api.posts(limit=50) if p["title"] == title)
    return {**found, "blog": found["blog"]["slug"]}


def test_a_reader_reports_a_comment_and_the_console_lists_it(browser_page, live_api: Api):
    post = _post(live_api, VERCORS)
    body = f"Un commentaire hors de propos ({time.time_ns()})"
    path = f"/v1/sites/demo/posts/{post['id']}/comments"
    comment = live_api.as_user(
        "lecteur@demo.causerie.test", "POST", path, json={"body": body}
    ).json()
    # Two readers reported it already; the third one does it from the theme, and three
    # reports hide it until a moderator decides.
    for reporter in ("reader@demo.causerie.test", "bruno@demo.causerie.test"):
        live_api.as_user(
            reporter,
            "POST",
            f"/v1/sites/demo/comments/{comment['id']}/reports",
            json={"reason": "off_topic"},
        )
    page = browser_page
    _sign_in(page, live_api, "alice@demo.causerie.test")
    _open(page, live_api, post)
    item = page.get_by_role("listitem").filter(has_text=body)
    item.get_by_role("button", name="Signaler").click()
    item.get_by_label("Injurieux ou haineux").check()
    item.get_by_label("Précision pour les modérateurs (facultatif)").fill("Propos blessants.")
    item.get_by_role("button", name="Envoyer le signalement").click()
    expect(item.get_by_test_id("report-sent")).to_contain_text("les modérateurs vont examiner")
    screenshot(page, "theme-report-sent")

    # The moderator's Reported tab shows it, with the theme's report among its reasons.
    page.goto(live_api.url("/console/"))
    page.get_by_label("E-mail").fill("moderator@demo.causerie.test")
    page.get_by_label("Password").fill("causerie-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Moderation").click()
    reported = page.get_by_role("button", name=re.compile(r"^Reported\s*\d+"))
    reported.click()
    expect(reported).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("queue-item").filter(has_text=body)).to_be_visible()
    detail = live_api.as_manager("GET", f"/v1/tenants/demo/comments/{comment['id']}").json()
    assert {(r["reason"], r["note"]) for r in detail["reports"]} >= {("abuse", "Propos blessants.")}
    assert page.errors == []


def test_a_reader_edits_then_deletes_their_comment(browser_page, live_api: Api):
    post = _post(live_api, "Naxos hors saison")
    page = browser_page
    _sign_in(page, live_api, "reader@demo.causerie.test")
    _open(page, live_api, post)
    first = f"Je suis allée à Naxos en févier ({time.time_ns()})"
    page.get_by_label("Votre commentaire").fill(first)
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_test_id("comment-published")).to_be_visible()
    written = page.get_by_test_id("my-comment").filter(has_text=first)
    expect(written).to_be_visible()
    # The comment's own element, whatever text it shows while edited.
    item_id = written.evaluate("el => el.closest('li').id")
    mine = page.locator(f"#{item_id}")
    # Others' comments offer no edit nor delete; the reader's own offers both.
    others = page.get_by_test_id("comment-list").locator("article").filter(has_not_text=first)
    expect(others.get_by_role("button", name="Modifier")).to_have_count(0)

    mine.get_by_role("button", name="Modifier").click()
    box = mine.get_by_role("textbox", name="Votre commentaire")
    expect(box).to_have_value(first)
    fixed = first.replace("févier", "février")
    box.fill(fixed)
    mine.get_by_role("button", name="Enregistrer").click()
    edited = mine
    expect(edited).to_contain_text(fixed)
    expect(edited).to_contain_text("modifié")
    expect(page.get_by_text(first)).to_have_count(0)
    screenshot(page, "theme-comment-edited")

    edited.get_by_role("button", name="Supprimer").click()
    edited.get_by_role("button", name="Oui, le supprimer").click()
    expect(page.get_by_text(fixed)).to_have_count(0)
    # Gone for everyone, not only from this page.
    public = live_api.http.get(live_api.url(f"/v1/sites/demo/posts/{post['id']}/comments"))
    assert fixed not in public.text
    assert page.errors == []


def test_a_keyboard_only_reader_rates_four_stars_with_one_request(browser_page, live_api: Api):
    post = _post(live_api, "Préparer son sac pour la montagne")
    page = browser_page
    sent: list[Any] = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.url.endswith("/rating") and r.method == "PUT" else None,
    )
    _open(page, live_api, post)
    # Tab until the star group has the focus, as a keyboard user would.
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.type === 'radio'"):
            break
    expect(page.get_by_role("radio", name="1 étoile")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    four = page.get_by_role("radio", name="4 étoiles")
    expect(four).to_be_checked()
    expect(four).to_be_focused()
    assert sent == []  # choosing sends nothing
    page.keyboard.press("Enter")
    status = page.get_by_test_id("rating-status")
    expect(status).to_contain_text("Merci : votre vote (4 étoiles) est enregistré.")
    expect(four).to_be_focused()
    expect(page.get_by_text("Votre vote : 4")).to_be_visible()
    assert [json.loads(r.post_data or "{}") for r in sent] == [{"stars": 4}]
    assert _post(live_api, post["title"])["rating"]["histogram"][3] >= 1
    assert page.errors == []


# --- findable, and at every width ------------------------------------------------------------


class _Head(HTMLParser):
    """The head's tags as a crawler without JavaScript reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.title = ""
        self.json_ld: list[dict[str, Any]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") in ("canonical", "sitemap"):
            self.links[a["rel"]] = a["href"]
        elif tag == "title" or (tag == "script" and a.get("type") == "application/ld+json"):
            self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def _head_of(api: Api, path: str) -> _Head:
    answer = api.http.get(api.url(path), headers={"User-Agent": "facebookexternalhit/1.1"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    parsed = _Head()
    parsed.feed(answer.text)
    return parsed


def test_a_shared_link_shows_the_posts_title_excerpt_and_cover_without_javascript(
    live_api: Api,
):
    post = _post(live_api, VERCORS)
    head = _head_of(live_api, f"/s/demo/blogs/{post['blog']}/{post['slug']}")
    assert head.title == f"{VERCORS} — Causerie Demo"
    assert head.meta["og:title"] == head.title
    assert head.meta["og:type"] == "article"
    assert head.meta["description"] == head.meta["og:description"]
    assert head.meta["og:description"].startswith(post["excerpt"][:40])
    assert head.meta["og:image"] == post["cover_image_url"]
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["og:url"] == head.links["canonical"] == post["url"]
    assert head.links["sitemap"].endswith("/v1/sites/demo/sitemap.xml")
    kinds = {item["@type"]: item for item in head.json_ld}
    assert kinds["BlogPosting"]["headline"] == VERCORS
    assert kinds["BlogPosting"]["author"]["name"] == "Alice Auteur"
    crumbs = kinds["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Causerie Demo", "Carnets de voyage", VERCORS]

    home = _head_of(live_api, "/s/demo/")
    assert home.meta["og:type"] == "website"
    assert home.links["canonical"].endswith("/sites/demo/")
    # An unknown post keeps the page as built: the app says "not found" itself.
    missing = _head_of(live_api, f"/s/demo/blogs/{post['blog']}/no-such-post")
    assert "og:title" not in missing.meta
    robots = live_api.http.get(live_api.url("/robots.txt"))
    assert "Disallow: /console/" in robots.text


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_home_and_post_fit_every_width_and_pass_axe(browser_page, live_api: Api, width, height):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_api.url("/s/demo/"))
    featured = page.get_by_role("region", name="À la une")
    expect(featured.get_by_role("heading", level=2)).to_be_visible()
    expect(page.locator(".card img").first).to_have_attribute("srcset", re.compile(r"480w"))
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    screenshot(page, f"theme-home-{width}x{height}")

    counter = f"/posts/{_post(live_api, VERCORS)['id']}/views"
    views: list[Any] = []
    page.on("request", lambda r: views.append(r) if "/views" in r.url else None)
    with page.expect_request(lambda r: r.url.endswith(counter) and r.method == "POST"):
        page.get_by_role("link", name=VERCORS).first.click()
    expect(page.get_by_role("heading", level=1, name=VERCORS)).to_be_visible()
    expect(page.get_by_test_id("comment-list")).to_be_visible()
    assert len(views) == 1  # the read counter: once per view
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    screenshot(page, f"theme-post-{width}x{height}")
    assert page.errors == []


def test_a_posts_fediverse_likes_and_boosts_show_under_it(browser_page, live_api: Api, pg_server):
    """Two likes and a boost of a new post (rows as the inbox writes them: the inbox
    itself is exercised in tests/federation) show in French under the post; a post
    with none shows nothing."""
    post = live_api.new_post("Aimé au loin", "Un billet relayé sur le fédivers.")
    plain = live_api.new_post("Pas encore relayé", "Personne ne l'a vu.")
    rows = [("like", "a"), ("like", "b"), ("announce", "a")]
    url = sync_url(pg_server.set(database=NAME)).render_as_string(hide_password=False)

    async def insert() -> None:
        connection = await asyncpg.connect(url)
        try:
            tenant = await connection.fetchval("SELECT id FROM tenants WHERE slug = 'demo'")
            for kind, who in rows:
                await connection.execute(
                    "INSERT INTO federation_reactions (tenant_id, id, post_id, kind, actor_url,"
                    " activity_url, domain, created_at) VALUES ($1, $2, $3, $4, $5, $6,"
                    " 'remote.example', now())",
                    tenant,
                    uuid.uuid4(),
                    uuid.UUID(post["id"]),
                    kind,
                    f"https://remote.example/users/{who}",
                    f"https://remote.example/{kind}/{who}",
                )
        finally:
            await connection.close()

    # Playwright's sync API runs its own loop in this thread: the insert runs in another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, insert()).result()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_api.url(f"/s/demo/blogs/{post['blog']}/{post['slug']}"))
    expect(page.get_by_test_id("fediverse-reactions")).to_have_text(
        "Sur le fédivers : 2 j\u2019aime · 1 partage"
    )
    assert axe_violations(page) == []
    screenshot(page, "theme-post-fediverse-390x844")
    with page.expect_response(lambda r: r.url.endswith(f"{plain['id']}/reactions")) as read:
        page.goto(live_api.url(f"/s/demo/blogs/{plain['blog']}/{plain['slug']}"))
    assert read.value.json() == {"likes": 0, "boosts": 0}
    expect(page.get_by_role("heading", level=1, name="Pas encore relayé")).to_be_visible()
    assert page.get_by_test_id("fediverse-reactions").count() == 0
    assert page.errors == []


def test_ambassadors_wear_a_badge_next_to_their_name_in_french_and_english(
    browser_page, live_api: Api
):
    """A manager marks a reader who comments and an author as ambassadors: the theme
    badges them next to their names (the post's byline, the comment, the author page),
    in the site's language, and drops the badge once they are unmarked."""
    post = _post(live_api, VERCORS)
    body = f"Je recommande ce parcours à tout le monde ({time.time_ns()})"
    path = f"/v1/sites/demo/posts/{post['id']}/comments"
    made = live_api.as_user("reader@demo.causerie.test", "POST", path, json={"body": body}).json()
    if made["status"] != "approved":
        live_api.moderate(made["id"], "approve")
    people = live_api.as_manager("GET", "/v1/tenants/demo/members", params={"limit": 100}).json()
    ids = {m["email"]: m["user_id"] for m in people["items"]}
    marked = [ids["reader@demo.causerie.test"], ids["alice@demo.causerie.test"]]
    page = browser_page
    try:
        for user_id in marked:
            live_api.as_manager("PUT", f"/v1/tenants/demo/insights/ambassadors/{user_id}")
        _open(page, live_api, post)
        byline = page.locator(".byline")
        expect(byline.get_by_test_id("ambassador-badge")).to_have_text(
            "ambassadeur (Ambassadeur de la marque)"
        )
        expect(byline.get_by_test_id("ambassador-badge")).to_be_visible()
        mine = page.get_by_test_id("comment-list").get_by_role("listitem").filter(has_text=body)
        badge = mine.get_by_test_id("ambassador-badge")
        expect(badge).to_be_visible()
        expect(badge).to_have_attribute("title", "Ambassadeur de la marque")
        # Only the marked ones: the other readers' comments on the post have none.
        articles = page.get_by_test_id("comment-list").get_by_role("article")
        names = [articles.nth(i).get_attribute("aria-label") for i in range(articles.count())]
        badged = [
            articles.nth(i).get_by_test_id("ambassador-badge").count() for i in range(len(names))
        ]
        assert set(names) - {"Rita Reader"}, names  # someone else comments here too
        assert badged == [1 if n == "Rita Reader" else 0 for n in names], (names, badged)
        assert axe_violations(page) == []
        screenshot(page, "theme-ambassador-badges")

        page.get_by_role("link", name="Alice Auteur").first.click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("Alice Auteur")
        expect(heading.get_by_test_id("ambassador-badge")).to_be_visible()
        assert axe_violations(page) == []

        # The same site in English.
        live_api.patch_site({"default_language": "en"})
        # The browser keeps the site's config for its max-age: this reader starts afresh.
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")
        _open(page, live_api, post)
        expect(page.locator(".byline").get_by_test_id("ambassador-badge")).to_have_text(
            "ambassador (An ambassador of the brand)"
        )
        assert axe_violations(page) == []

        # Unmarked, the reader's badge goes at the next reading.
        live_api.as_manager("DELETE", f"/v1/tenants/demo/insights/ambassadors/{marked[0]}")
        page.reload()
        expect(page.get_by_role("heading", level=1, name=post["title"])).to_be_visible()
        expect(page.get_by_test_id("comment-list").get_by_text(body)).to_be_visible()
        expect(page.get_by_test_id("ambassador-badge")).to_have_count(1)  # the byline's
    finally:
        live_api.patch_site({"default_language": "fr"})
        for user_id in marked:
            live_api.http.delete(
                live_api.url(f"/v1/tenants/demo/insights/ambassadors/{user_id}"),
                headers=live_api.manager,
            )
    assert page.errors == []
