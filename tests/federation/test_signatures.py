"""RFC 9421 HTTP Message Signatures beside draft-cavage: inbox POSTs signed with RFC 9421
(and Content-Digest) are verified, and every way one can be wrong is a 401 with nothing
changed; deliveries knock with RFC 9421 first and fall back to draft-cavage on a 401,
remembered per server; our fetches of remote keys are signed with the blog's key; and
in secure mode (``federation_signed_fetch``) a blog's collections and articles answer
signed GETs only."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

from http_message_signatures import (
    ContentDigest,
    HTTPMessageSigner,
    MappingKeyResolver,
    algorithms,
)
from sqlalchemy import text

from api.adapters.federation_keys import RemoteActors, actor_of, verified_sender
from api.worker import Worker
from domain.kernel import clock
from tests.federation.helpers import (
    BASE,
    LOCAL,
    actor_id,
    actor_path,
    article_id,
    post_signed,
    remote,
)


async def _followers(db, tenant_id) -> int:
    async with db.transaction(tenant_id=tenant_id) as tx:
        return int(await tx.connection.scalar(text("SELECT count(*) FROM federation_followers")))


async def _refused(answer) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


def _app_actors(client) -> RemoteActors:
    """Our actors read from the app itself (it is not on a socket in these tests)."""

    class AppActors(RemoteActors):
        async def _fetch(self, key_id, base, signer=None):
            document = (await client.get(key_id.split("#")[0].replace(BASE, ""))).json()
            return actor_of(document, key_id)

    return AppActors()


def _uncovered(account, path: str, body: bytes) -> dict[str, str]:
    """An RFC 9421 signature, made with the library, that does not cover Content-Digest."""
    message = SimpleNamespace(method="POST", url=f"https://testserver{path}", headers={})
    HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(
            public_keys={},
            private_keys={account.key_id: account.private_pem.encode()},
        ),
    ).sign(
        message,
        key_id=account.key_id,
        created=clock.now(),
        label="sig1",
        covered_component_ids=("@method", "@target-uri", "@authority"),
    )
    return {
        **message.headers,
        "Content-Digest": ContentDigest.create(body),
        "Content-Type": "application/activity+json",
    }


async def test_an_rfc9421_signed_follow_is_verified_and_accepted(client, factory, db, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        body, headers = alice.signed(inbox, follow, rfc9421=True)
        assert "Signature-Input" in headers and "Content-Digest" in headers
        answer = await client.post(inbox, content=body, headers=headers)
        assert answer.status_code == 202, answer.text
        assert await _followers(db, world.tenant.id) == 1
        # The shared inbox takes it too (a like, so nothing is counted twice).
        post = await factory.post(world, blog)
        like = alice.activity("Like", article_id(world, blog, post))
        shared = f"/v1/sites/{world.slug}/inbox"
        answer = await post_signed(client, alice, shared, like, rfc9421=True)
        assert answer.status_code == 202, answer.text


async def test_bad_rfc9421_signatures_are_401_and_change_nothing(client, factory, db, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice, remote() as mallory:
        follow = alice.activity("Follow", actor_id(world, blog))

        # A created two hours ago, and one an hour and a half ahead: refused before any fetch.
        for shift in (timedelta(hours=-2), timedelta(minutes=90)):
            stale = clock.now() + shift
            await _refused(await post_signed(client, alice, inbox, follow, at=stale, rfc9421=True))
        assert alice.server.received == []

        # A body that is not the one the Content-Digest describes.
        other = json.dumps({**follow, "object": f"{BASE}/elsewhere"}).encode()
        answer = await post_signed(client, alice, inbox, follow, body=other, rfc9421=True)
        await _refused(answer)
        assert "Content-Digest" in answer.json()["detail"]

        # The body and its digest both replaced after signing: the signature covers the
        # first digest, so it no longer holds.
        body, headers = alice.signed(inbox, follow, rfc9421=True)
        _, forged = alice.signed(inbox, {**follow, "object": f"{BASE}/x"}, rfc9421=True)
        headers["Content-Digest"] = forged["Content-Digest"]
        await _refused(
            await client.post(
                inbox, content=json.dumps({**follow, "object": f"{BASE}/x"}), headers=headers
            )
        )

        # Signed for the shared inbox, sent to the blog's: @target-uri differs.
        body, headers = alice.signed(f"/v1/sites/{world.slug}/inbox", follow, rfc9421=True)
        await _refused(await client.post(inbox, content=body, headers=headers))

        # Another key than the one alice's document shows; a key id that names nothing.
        await _refused(
            await post_signed(
                client, alice, inbox, follow, private_pem=mallory.private_pem, rfc9421=True
            )
        )
        unknown = f"http://127.0.0.1:{alice.server.port}/users/nobody#main-key"
        alice.server.answer_with = lambda got: 404 if "nobody" in got.path else 200
        await _refused(
            await post_signed(client, alice, inbox, follow, key_id=unknown, rfc9421=True)
        )

        # A signature that leaves the digest out (the digest itself is right), one whose
        # covered list was edited after signing, two signatures, a malformed input.
        body = json.dumps(follow).encode()
        await _refused(
            await client.post(inbox, content=body, headers=_uncovered(alice, inbox, body))
        )
        body, headers = alice.signed(inbox, follow, rfc9421=True)
        headers["Signature-Input"] = headers["Signature-Input"].replace(' "content-digest"', "")
        await _refused(await client.post(inbox, content=body, headers=headers))
        body, headers = alice.signed(inbox, follow, rfc9421=True)
        two = headers["Signature-Input"]
        headers["Signature-Input"] = f"{two}, {two.replace('sig1=', 'sig2=')}"
        await _refused(await client.post(inbox, content=body, headers=headers))
        headers["Signature-Input"] = "sig1=(((("
        await _refused(await client.post(inbox, content=body, headers=headers))
    assert await _followers(db, world.tenant.id) == 0


async def test_deliveries_knock_with_rfc9421_then_draft_cavage_and_remember(
    client, factory, db, local, settings
):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    worker = Worker(db, settings.model_copy(update=LOCAL))

    def cavage_only(got) -> int:
        if got.method == "POST":
            return 401 if "signature-input" in got.headers else 202
        return 200

    async with remote(answer_with=cavage_only) as old, remote() as fresh:
        for account in (old, fresh):
            follow = account.activity("Follow", actor_id(world, blog))
            assert (await post_signed(client, account, inbox, follow)).status_code == 202
        await worker.dispatch(world.tenant.id)
        async with db.transaction(tenant_id=world.tenant.id) as tx:
            ids = list(await tx.connection.scalars(text("SELECT id FROM federation_deliveries")))
        assert [str(await worker.federation.deliver(world.tenant.id, i)) for i in ids] == [
            "succeeded",
            "succeeded",
        ]
        posted = [r for r in old.server.received if r.method == "POST"]
        assert ["signature-input" in r.headers for r in posted] == [True, False]
        [accepted] = [r for r in fresh.server.received if r.method == "POST"]
        assert "signature-input" in accepted.headers and "content-digest" in accepted.headers
        # Both signatures are ours, whichever the scheme.
        for got, port in ((posted[1], old.server.port), (accepted, fresh.server.port)):
            signer = await verified_sender(
                _app_actors(client),
                local.settings.outbound_policy,
                "POST",
                f"http://127.0.0.1:{port}{got.path}",
                got.headers,
                got.body,
                clock.now(),
            )
            assert signer.id == actor_id(world, blog)

        # The next delivery to the old server goes straight to draft-cavage.
        old.server.received.clear()
        await factory.post(world, blog, "Second", "Un billet.")
        await worker.dispatch(world.tenant.id)
        async with db.transaction(tenant_id=world.tenant.id) as tx:
            pending = list(
                await tx.connection.execute(
                    text("SELECT id, inbox FROM federation_deliveries WHERE status = 'pending'")
                )
            )
        for row in pending:
            assert str(await worker.federation.deliver(world.tenant.id, row.id)) == "succeeded"
        posted = [r for r in old.server.received if r.method == "POST"]
        assert len(posted) == 1 and "signature-input" not in posted[0].headers


async def test_our_fetch_of_a_remote_key_is_signed_with_the_blogs_key(client, factory, db, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"

    def secure(got) -> int:  # a server in secure mode: unsigned GETs are refused
        return 401 if got.method == "GET" and "signature" not in got.headers else 200

    async with remote(answer_with=secure) as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        answer = await post_signed(client, alice, inbox, follow)
        assert answer.status_code == 202, answer.text
        [fetch] = [r for r in alice.server.received if r.method == "GET"]
        assert "signature-input" in fetch.headers  # RFC 9421 first
        signer = await verified_sender(
            _app_actors(client),
            local.settings.outbound_policy,
            "GET",
            f"http://127.0.0.1:{alice.server.port}{fetch.path}",
            fetch.headers,
            b"",
            clock.now(),
        )
        assert signer.id == actor_id(world, blog)
    assert await _followers(db, world.tenant.id) == 1


async def test_secure_mode_answers_signed_fetches_only(client, factory, db, local):
    local.settings = local.settings.model_copy(update={"federation_signed_fetch": True})
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    actor = actor_path(world, blog)
    article = f"{actor}/posts/{post.id}"
    reads = [f"{actor}/outbox", f"{actor}/outbox?page=true", f"{actor}/followers", article]
    for path in reads:
        await _refused(await client.get(path))

    # The actor stays readable unsigned, but only its key and inbox.
    bare = await client.get(actor)
    assert bare.status_code == 200
    assert bare.json()["publicKey"]["id"] == f"{actor_id(world, blog)}#main-key"
    assert "outbox" not in bare.json() and "name" not in bare.json()

    async with remote() as alice, remote() as mallory:
        for rfc9421 in (False, True):
            for path in [actor, *reads]:
                answer = await client.get(path, headers=alice.signed_get(path, rfc9421=rfc9421))
                assert answer.status_code == 200, (path, answer.text)
                assert answer.headers["cache-control"].startswith("private")
        full = await client.get(actor, headers=alice.signed_get(actor))
        assert full.json()["outbox"] == f"{actor_id(world, blog)}/outbox"
        # Signed for another URL (as Fedify's key fetches are, with the key id's
        # fragment): the actor's key is still there, nothing more.
        headers = alice.signed_get(f"{actor}/followers", rfc9421=True)
        keyed = await client.get(actor, headers=headers)
        assert keyed.status_code == 200 and "outbox" not in keyed.json()
        assert keyed.json()["publicKey"]["publicKeyPem"]

        # A signature by a key its document does not show; a created far ahead.
        headers = alice.signed_get(article)
        headers["Signature"] = mallory.signed_get(article)["Signature"].replace(
            mallory.key_id, alice.key_id
        )
        await _refused(await client.get(article, headers=headers))
        headers = alice.signed_get(article, rfc9421=True)
        headers["Signature-Input"] = headers["Signature-Input"].replace("created=", "created=1")
        await _refused(await client.get(article, headers=headers))

        # Another tenant's post under this tenant's blog: 404, signed or not.
        other = await factory.world()
        theirs = await factory.post(other, await factory.blog(other))
        elsewhere = f"{actor}/posts/{theirs.id}"
        answer = await client.get(elsewhere, headers=alice.signed_get(elsewhere))
        assert answer.status_code == 404, answer.text

        # A blocked domain's signed fetch is refused.
        block = f"/v1/tenants/{world.slug}/federation/blocks/127.0.0.1"
        assert (await client.put(block, headers=world.headers["manager"])).status_code == 200
        await _refused(await client.get(article, headers=alice.signed_get(article)))
