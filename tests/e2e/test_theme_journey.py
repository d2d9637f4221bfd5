"""The public theme in a real browser: a reader's journey, then each bad input.

The demo tenant speaks French, so the interface is French; selectors use roles and
labels (what a screen reader announces) rather than CSS classes.
"""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Api, screenshot

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

    # Rate four stars with the mouse, then five with the keyboard (a radio group). The
    # demo readers have voted already: the summary adds this vote to theirs.
    before = _welcome(live_api)["rating"]["histogram"]

    def summary_after(stars: int) -> str:
        votes = sum(before) + 1
        total = sum(n * (i + 1) for i, n in enumerate(before)) + stars
        return f"{total / votes:.1f}".replace(".", ",") + f" sur 5 ({votes} votes)"

    page.get_by_role("radio", name="4 étoiles").click()
    expect(page.get_by_text("Merci pour votre vote.")).to_be_visible()
    expect(page.get_by_test_id("rating-summary")).to_contain_text(summary_after(4))
    page.get_by_role("radio", name="4 étoiles").press("ArrowRight")
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
                    link: style('.post-card__title a', 'color'),
                    button: style('.search-form button', 'color'),
                    buttonBg: style('.search-form button', 'backgroundColor'),
                    muted: style('.post-meta', 'color'),
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
