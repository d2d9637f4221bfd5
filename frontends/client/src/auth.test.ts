import { describe, expect, it } from "vitest";

import { authenticatedFetch, storageTokenStore, type TokenPair } from "./auth";

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, v),
  };
}

const REFRESH = "http://api.test/v1/auth/refresh";

describe("authenticatedFetch", () => {
  it("refreshes once on 401 and retries with the new token", async () => {
    const store = storageTokenStore(memoryStorage(), "t");
    store.set({ access_token: "old", refresh_token: "r1" });
    const seen: string[] = [];
    const base = async (request: Request) => {
      if (request.url === REFRESH) {
        const body = (await request.json()) as { refresh_token: string };
        seen.push(`refresh:${body.refresh_token}`);
        return Response.json({ access_token: "new", refresh_token: "r2" } satisfies TokenPair);
      }
      const auth = request.headers.get("Authorization");
      seen.push(`${request.method}:${auth}:${await request.text()}`);
      return new Response(null, { status: auth === "Bearer new" ? 200 : 401 });
    };
    const fetch = authenticatedFetch(store, REFRESH, base);
    const response = await fetch(
      new Request("http://api.test/v1/x", { method: "POST", body: "hello" }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual(["POST:Bearer old:hello", "refresh:r1", "POST:Bearer new:hello"]);
    expect(store.get()?.refresh_token).toBe("r2");
  });

  it("signs out when the refresh is refused, and does not loop", async () => {
    const store = storageTokenStore(memoryStorage(), "t");
    store.set({ access_token: "old", refresh_token: "spent" });
    let signedOut = false;
    let calls = 0;
    const base = async (request: Request) => {
      calls += 1;
      return new Response(null, { status: request.url === REFRESH ? 401 : 401 });
    };
    const fetch = authenticatedFetch(store, REFRESH, base, () => {
      signedOut = true;
    });
    const response = await fetch(new Request("http://api.test/v1/x"));
    expect(response.status).toBe(401);
    expect(calls).toBe(2);
    expect(signedOut).toBe(true);
    expect(store.get()).toBeNull();
  });

  it("leaves anonymous requests alone", async () => {
    const store = storageTokenStore(null, "t");
    const base = async (request: Request) =>
      new Response(request.headers.get("Authorization") ?? "none", { status: 401 });
    const response = await authenticatedFetch(store, REFRESH, base)(new Request("http://a/x"));
    expect(await response.text()).toBe("none");
  });
});

describe("storageTokenStore", () => {
  it("survives a reload through the storage and ignores garbage", () => {
    const storage = memoryStorage();
    storageTokenStore(storage, "k").set({ access_token: "a", refresh_token: "b" });
    expect(storageTokenStore(storage, "k").get()?.access_token).toBe("a");
    storage.setItem("k", "{not json");
    expect(storageTokenStore(storage, "k").get()).toBeNull();
  });
});
