// A small fediverse server built on Fedify, for Causerie's interoperability tests.
//
//   node peer.mjs PORT
//
// It serves one account, alice, at http://127.0.0.1:PORT/users/alice (actor, inbox, a
// shared inbox at /inbox), and Fedify verifies the HTTP signature of everything posted
// to its inboxes. The tests drive it through /control/*: discover a blog by WebFinger
// and follow it, reply to a post with a Note, like it, undo the like, fetch a document
// signed (Fedify's authenticated document loader); /control/received lists the
// activities Fedify accepted (so: whose signatures verified), /control/exchanges every
// request it sent or was sent with the signature scheme it carried and the status.
//
// Like a server in Mastodon's secure mode, it answers a GET of its actor only when the
// GET is signed (Fedify's `authorize`): 401 otherwise.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from "@fedify/fedify";
import {
  Accept,
  Create,
  Delete,
  Endpoints,
  Follow,
  Like,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Undo,
  Update,
} from "@fedify/fedify/vocab";

const port = Number(process.argv[2]);
const origin = `http://127.0.0.1:${port}`;
const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
const keys = new Map();
const received = [];
const state = { target: null, lastLike: null };
const exchanges = [];

function schemeOf(headers) {
  if (headers.get("signature-input")) return "rfc9421";
  if (headers.get("signature")) return "draft-cavage";
  return null;
}

// Every request Fedify sends, with the scheme it signed with and the answer's status: the
// "double knock" (RFC 9421 first, draft-cavage after a 401) can be seen from outside.
const plainFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const isRequest = input instanceof Request;
  const method = isRequest ? input.method : (init?.method ?? "GET");
  const url = isRequest ? input.url : String(input);
  const headers = new Headers(isRequest ? input.headers : init?.headers);
  const response = await plainFetch(input, init);
  exchanges.push({ direction: "out", method, url, scheme: schemeOf(headers), status: response.status });
  return response;
};

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "alice") return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Alice <script>alert(1)</script>Fedify",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      url: new URL(`/@${identifier}`, ctx.origin),
      publicKey: pairs[0].cryptographicKey,
      assertionMethods: pairs.map((pair) => pair.multikey),
    });
  })
  .authorize(async (ctx) => (await ctx.getSignedKey()) != null)
  .setKeyPairsDispatcher(async (_ctx, identifier) => {
    if (!keys.has(identifier)) keys.set(identifier, [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")]);
    return keys.get(identifier);
  });

async function record(_ctx, activity) {
  received.push({
    type: activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    json: await activity.toJsonLd({ format: "compact" }),
  });
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, record)
  .on(Create, record)
  .on(Update, record)
  .on(Delete, record);

function context() {
  return federation.createContext(new URL(origin), undefined);
}

const me = () => context().getActorUri("alice");

async function control(path, body) {
  const ctx = context();
  if (path === "/control/received") return received;
  if (path === "/control/exchanges") return exchanges;
  if (path === "/control/fetch") {
    // A signed GET, as a server that fetches in secure mode makes it.
    const loader = await ctx.getDocumentLoader({ identifier: "alice" });
    try {
      const { document } = await loader(body.url);
      return { status: 200, document };
    } catch (error) {
      return { status: null, error: String(error) };
    }
  }
  if (path === "/control/follow") {
    // WebFinger over plain HTTP: the blog's server runs on loopback, without TLS.
    const [, host] = body.handle.split("@");
    const finger = await fetch(
      `http://${host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${body.handle}`)}`,
    );
    if (!finger.ok) throw new Error(`WebFinger answered ${finger.status}`);
    const jrd = await finger.json();
    const self = jrd.links.find((link) => link.rel === "self");
    const documentLoader = await ctx.getDocumentLoader({ identifier: "alice" });
    const target = await ctx.lookupObject(self.href, { documentLoader });
    if (!target?.inboxId) throw new Error(`no actor at ${self.href}`);
    state.target = target;
    const follow = new Follow({ id: new URL(`/follows/${randomUUID()}`, origin), actor: me(), object: target.id });
    await ctx.sendActivity({ identifier: "alice" }, target, follow);
    return { actor: target.id.href, name: target.name?.toString() ?? null };
  }
  if (path === "/control/reply") {
    const note = new Note({
      id: new URL(`/notes/${randomUUID()}`, origin),
      attribution: me(),
      replyTarget: new URL(body.inReplyTo),
      content: body.content,
      to: PUBLIC_COLLECTION,
    });
    const create = new Create({ id: new URL(`/creates/${randomUUID()}`, origin), actor: me(), object: note, to: PUBLIC_COLLECTION });
    await ctx.sendActivity({ identifier: "alice" }, state.target, create);
    return { id: note.id.href };
  }
  if (path === "/control/like") {
    state.lastLike = new Like({ id: new URL(`/likes/${randomUUID()}`, origin), actor: me(), object: new URL(body.object) });
    await ctx.sendActivity({ identifier: "alice" }, state.target, state.lastLike);
    return { id: state.lastLike.id.href };
  }
  if (path === "/control/undo-like") {
    const undo = new Undo({ id: new URL(`/undos/${randomUUID()}`, origin), actor: me(), object: state.lastLike });
    await ctx.sendActivity({ identifier: "alice" }, state.target, undo);
    return { id: undo.id.href };
  }
  return null;
}

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url, origin);
  try {
    if (url.pathname.startsWith("/control/")) {
      const answer = await control(url.pathname, body.length ? JSON.parse(body.toString()) : {});
      res.writeHead(answer === null ? 404 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await federation.fetch(request, { contextData: undefined });
    exchanges.push({
      direction: "in",
      method: req.method,
      url: url.href,
      scheme: schemeOf(headers),
      status: response.status,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error?.stack ?? error));
  }
});

server.listen(port, "127.0.0.1", () => console.log(`peer listening on ${origin}`));
