"""What is said: the terms of a comment, the per-day term table kept by its trigger, and
``GET /v1/tenants/{tenant}/insights/topics`` (top and rising terms, tone split, examples,
negative comments alone, CSV), with its roles, plan level, bad input and tenants."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.comments.helpers import seed
from tests.factories import FrozenClock
from tests.insights.test_insights import FORMULA_STARTS, HOSTILE, _statements
from tests.test_foundation import assert_problem

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def topics_url(world, query: str = "") -> str:
    return f"/v1/tenants/{world.slug}/insights/topics{'?' + query if query else ''}"


async def _terms(factory, body: str, lang: str) -> dict[str, str]:
    async with factory.db.transaction() as tx:
        rows = await tx.connection.execute(
            text("SELECT term, label FROM insight_comment_terms(:b, :l)"), {"b": body, "l": lang}
        )
        return {r.term: r.label for r in rows}


# --- the terms of one comment ---------------------------------------------------------------


async def test_french_comments_are_stemmed_without_stop_words_or_links(factory):
    terms = await _terms(
        factory,
        "La livraison était très lente ! Des livraisons lentes. https://exemple.fr/x "
        "Écrivez à moi@exemple.fr",
        "fr",
    )
    assert terms["livraison"] == "livraison"  # one stem for the singular and the plural
    assert terms["livraison lent"] == "livraisons lentes"  # the phrase, as first written
    assert not {"la", "les", "sont", "était", "tre"} & set(terms)  # stop words, fillers
    assert not [t for t in terms if "exempl" in t or "moi" in t]  # links and addresses
    # A phrase never crosses the end of a sentence or a stop word.
    assert "lent livraison" not in terms


async def test_english_comments_use_the_english_stemmer(factory):
    terms = await _terms(factory, "The checkout keeps failing; checkouts failed twice.", "en")
    assert {"checkout", "fail", "checkout fail"} <= set(terms)
    assert "the" not in terms and "fail twice" in terms
    assert "fail checkout" not in terms  # the semicolon ends the clause


@pytest.mark.parametrize(
    "body",
    [
        "😊" * 5000,
        " ".join(["https://example.com/a?b=c"] * 150)[:5000],
        "",
        "12 345 6789",
        "Great post! Mais je ne suis pas d'accord avec la fin, the ending is rushed.",
    ],
    ids=["5000-emoji", "only-urls", "empty", "numbers", "mixed-languages"],
)
@pytest.mark.parametrize("lang", ["en", "fr", "de"])
async def test_odd_comments_give_few_or_no_terms_and_never_an_error(factory, body, lang):
    terms = await _terms(factory, body, lang)
    if not body.startswith("Great"):
        assert terms == {}
    else:
        assert "rush" in terms or "rushed" in terms


# --- the API ----------------------------------------------------------------------------------


async def _community(factory, monkeypatch):
    """A French blog: the previous fortnight talks of the recipes; this one of a slow
    delivery (negative), while the recipes stay."""
    frozen = FrozenClock(monkeypatch, NOW - timedelta(days=25))
    world = await factory.world()
    blog = await factory.blog(world, "Cuisine", language="fr")
    post = await factory.post(world, blog, "Nos recettes")
    ids: dict[str, list] = {"old": [], "slow": [], "recipe": []}
    for n in range(3):
        frozen.set(NOW - timedelta(days=20 - n))
        c = await seed(factory, world, post.id, body=f"Une recette délicieuse, merci {n}.")
        ids["old"].append(c.id)
    frozen.set(NOW - timedelta(days=18))
    c = await seed(factory, world, post.id, body="Livraison rapide.")
    ids["old"].append(c.id)
    for n in range(5):
        frozen.set(NOW - timedelta(days=5 - n))
        c = await seed(factory, world, post.id, body=f"Livraison lente, colis abîmé (n°{n}).")
        ids["slow"].append(c.id)
    for n in range(2):
        frozen.set(NOW - timedelta(days=3, hours=n))
        c = await seed(factory, world, post.id, body=f"Encore une recette délicieuse ({n}).")
        ids["recipe"].append(c.id)
    frozen.set(NOW)
    # The tone each comment gets is the classifier's; the test sets it so the split is known.
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        for key, tone in (("old", "positive"), ("slow", "negative"), ("recipe", "positive")):
            await tx.connection.execute(
                text("UPDATE comments SET sentiment = :s WHERE id = ANY(:ids)"),
                {"s": tone, "ids": ids[key]},
            )
        await tx.commit()
    return world, post, ids


def _by_term(items) -> dict[str, dict]:
    return {t["term"]: t for t in items}


async def test_what_is_said_rises_splits_by_tone_and_shows_examples(client, factory, monkeypatch):
    world, _, ids = await _community(factory, monkeypatch)
    answer = await client.get(
        topics_url(world, "from=2026-06-02&to=2026-06-15"), headers=world.headers["owner"]
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["days"] == {"from": "2026-06-02", "to": "2026-06-15"}
    assert body["previous"] == {"from": "2026-05-19", "to": "2026-06-01"}
    assert body["comments"] == 7
    top = _by_term(body["top"])
    delivery = top["livraison"]
    assert (delivery["comments"], delivery["previous"], delivery["change"]) == (5, 1, 4)
    assert delivery["tone"]["negative"] == 5 and delivery["tone"]["negative_share"] == 1.0
    assert len(delivery["examples"]) == 3
    assert {e["comment_id"] for e in delivery["examples"]} <= {str(i) for i in ids["slow"]}
    assert delivery["examples"][0]["post_title"] == "Nos recettes"
    assert top["livraison lent"]["phrase"] and top["livraison lent"]["label"] == "livraison lente"
    assert body["top"][0]["term"] in ("livraison", "lent", "colis", "livraison lent", "abim")
    rising = [t["term"] for t in body["rising"]]
    assert "colis" in rising and "recet" not in rising  # 2 now against 3 before
    assert top["recet"]["previous"] == 3 and top["recet"]["tone"]["positive"] == 2
    # The negative comments alone: what the complaints are about.
    negative = await client.get(
        topics_url(world, "from=2026-06-02&to=2026-06-15&tone=negative"),
        headers=world.headers["manager"],
    )
    assert negative.status_code == 200, negative.text
    neg = negative.json()
    assert neg["tone"] == "negative" and neg["comments"] == 5
    assert "recet" not in _by_term(neg["top"]) and _by_term(neg["top"])["colis"]["comments"] == 5
    assert all(e["tone"] == "negative" for t in neg["top"] for e in t["examples"])
    limited = await client.get(topics_url(world, "limit=1"), headers=world.headers["owner"])
    assert len(limited.json()["top"]) <= 1


async def test_the_term_days_follow_moderation_edits_and_equal_a_rebuild(
    client, factory, monkeypatch
):
    world, post, ids = await _community(factory, monkeypatch)
    tenant = world.tenant.id
    # A busy day: more comments share its terms than the examples keep, so which come
    # first matters.
    frozen = FrozenClock(monkeypatch, NOW)
    busy = []
    for n in range(6):
        frozen.set(NOW - timedelta(days=1, hours=6 - n))
        busy.append((await seed(factory, world, post.id, body=f"Livraison lente ({n}).")).id)
    frozen.set(NOW)

    async def rows() -> set[tuple]:
        async with factory.db.transaction(tenant_id=tenant) as tx:
            found = await tx.connection.execute(
                text(
                    "SELECT day, term, label, comments, positive, neutral, negative "
                    "FROM insight_topic_days ORDER BY day, term"
                )
            )
            return {tuple(r) for r in found}

    async def change(sql: str, **params) -> None:
        async with factory.db.transaction(tenant_id=tenant) as tx:
            await tx.connection.execute(text(sql), params)
            await tx.commit()

    await change("UPDATE comments SET sentiment = 'negative' WHERE id = ANY(:c)", c=busy[1:])
    await change("UPDATE comments SET status = 'rejected' WHERE id = :c", c=ids["slow"][0])
    await change("UPDATE comments SET status = 'spam' WHERE id = :c", c=ids["slow"][1])
    await change(
        "UPDATE comments SET body_markdown = 'Un emballage soigné.' WHERE id = :c",
        c=ids["recipe"][0],
    )
    await change("DELETE FROM comments WHERE id = :c", c=ids["old"][3])
    await change("UPDATE comments SET status = 'approved' WHERE id = :c", c=ids["slow"][1])
    kept = await rows()
    terms = {r[1]: r for r in kept}
    assert "emballag" in terms and "rapid" not in terms
    await change("SELECT insight_topics_rollup()")
    assert await rows() == kept  # the trigger left what a rebuild from the comments gives
    # The rebuild's examples are the first approved comments of each day and term, as
    # the plain per-comment definition gives them (one row per comment and term).
    async with factory.db.transaction(tenant_id=tenant) as tx:
        rebuilt = await tx.connection.execute(
            text("SELECT day, term, examples, negative_examples FROM insight_topic_days")
        )
        plain = await tx.connection.execute(
            text(
                "SELECT (c.created_at AT TIME ZONE 'UTC')::date AS day, x.term, "
                "(array_agg(c.id ORDER BY c.created_at, c.id))[1:3] AS examples, "
                "coalesce((array_agg(c.id ORDER BY c.created_at, c.id) FILTER "
                "(WHERE c.sentiment = 'negative'))[1:3], '{}'::uuid[]) AS negative_examples "
                "FROM comments c JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id "
                "JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id "
                "CROSS JOIN LATERAL insight_comment_terms(c.body_markdown, b.language) x "
                "WHERE c.status = 'approved' GROUP BY 1, 2"
            )
        )
        by_key = {(r[0], r[1]): (r[2], r[3]) for r in rebuilt}
        expected = {(r[0], r[1]): (r[2], r[3]) for r in plain}
    assert by_key == expected and any(neg for _, neg in by_key.values())
    answer = await client.get(
        topics_url(world, "from=2026-06-02&to=2026-06-15"), headers=world.headers["owner"]
    )
    assert _by_term(answer.json()["top"])["livraison"]["comments"] == 4 + len(busy)
    shown = {e["comment_id"] for e in _by_term(answer.json()["top"])["livraison"]["examples"]}
    assert str(ids["slow"][0]) not in shown  # a rejected comment is never an example


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-06-10&to=2026-06-01", "invalid_input"),
        ("from=2024-01-01&to=2026-01-01", "invalid_input"),
        ("from=2099-01-01&to=2099-01-02", "invalid_input"),
        ("tz=Mars/Olympus", "invalid_input"),
        ("tz=../../etc/passwd", "invalid_input"),
        ("from=yesterday", "validation_failed"),
        ("tone=angry", "validation_failed"),
        ("limit=0", "validation_failed"),
        ("limit=51", "validation_failed"),
        ("limit=ten", "validation_failed"),
    ],
)
async def test_bad_windows_and_filters_are_422(client, factory, query, code):
    world = await factory.world()
    answer = await client.get(topics_url(world, query), headers=world.headers["owner"])
    assert_problem(answer, 422, code)


async def test_another_tenants_conversation_is_never_shown(client, factory, monkeypatch):
    world, _, _ = await _community(factory, monkeypatch)
    other = await factory.world()
    mine = await client.get(
        topics_url(other, "from=2026-06-02&to=2026-06-15"), headers=other.headers["owner"]
    )
    assert mine.status_code == 200 and mine.json()["top"] == [] and mine.json()["comments"] == 0
    # Another tenant's owner asking for this tenant's topics: no such tenant for them.
    foreign = await client.get(topics_url(world), headers=other.headers["owner"])
    assert_problem(foreign, 404, "not_found")


async def test_topics_export_csv_with_formula_safe_cells(client, factory, monkeypatch):
    frozen = FrozenClock(monkeypatch, NOW - timedelta(days=2))
    world = await factory.world()
    post = await factory.post(world, await factory.blog(world, language="en"))
    for hostile in HOSTILE:
        await seed(factory, world, post.id, body=f"{hostile} refund refund policy")
    frozen.set(NOW)
    answer = await client.get(
        topics_url(world, "format=csv&from=2026-06-01&to=2026-06-15"),
        headers=world.headers["owner"],
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:3] == ["list", "term", "label"] and len(rows) > 1
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.lstrip().startswith(FORMULA_STARTS)]
    examples = [row[-1] for row in rows[1:]]
    assert any(e.startswith("'") for e in examples)  # a hostile example, defused, not dropped
    by_accept = await client.get(
        topics_url(world), headers={**world.headers["owner"], "Accept": "text/csv"}
    )
    assert by_accept.headers["content-type"].startswith("text/csv")


async def test_topics_cost_a_bounded_number_of_statements(client, factory, app_engine, monkeypatch):
    """Two statements of its own (the lists, then the examples) after the usual look-ups,
    whatever the number of terms and comments."""
    world, post, _ = await _community(factory, monkeypatch)
    path = "topics?from=2026-06-02&to=2026-06-15"
    await _statements(client, app_engine, world, [path])  # warms the plan-rate cache
    small = await _statements(client, app_engine, world, [path])
    for n in range(8):
        await seed(factory, world, post.id, body=f"Mot{uuid.uuid4().hex[:5]} nouveau sujet {n}")
    large = await _statements(client, app_engine, world, [path])
    assert small[path] == (8 + 2, 2), small  # as every insight: 8 look-ups, then its own
    assert large[path][1] == 2, large
