/**
 * Bearer tokens for a signed-in user: the access token goes on every request, and a
 * 401 triggers one refresh (rotating the refresh token) and one retry. Concurrent
 * 401s share a single refresh, because a refresh token is spent on first use.
 */

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in?: number;
  token_type?: string;
}

export interface TokenStore {
  get(): TokenPair | null;
  set(pair: TokenPair | null): void;
}

/** Tokens in memory, mirrored to a Storage (sessionStorage) so a reload keeps them. */
export function storageTokenStore(storage: Storage | null, key: string): TokenStore {
  let current: TokenPair | null = null;
  if (storage) {
    try {
      const raw = storage.getItem(key);
      const parsed: unknown = raw ? JSON.parse(raw) : null;
      if (
        parsed &&
        typeof parsed === "object" &&
        typeof (parsed as TokenPair).access_token === "string" &&
        typeof (parsed as TokenPair).refresh_token === "string"
      ) {
        current = parsed as TokenPair;
      }
    } catch {
      current = null;
    }
  }
  return {
    get: () => current,
    set(pair) {
      current = pair;
      if (!storage) return;
      try {
        if (pair) storage.setItem(key, JSON.stringify(pair));
        else storage.removeItem(key);
      } catch {
        // A full or disabled storage only costs the session on reload.
      }
    },
  };
}

type Fetch = (input: Request) => Promise<Response>;

/**
 * A fetch that signs requests with the store's access token and refreshes once on 401.
 * `refreshUrl` is the absolute URL of POST /v1/auth/refresh.
 */
export function authenticatedFetch(
  store: TokenStore,
  refreshUrl: string,
  base: (input: Request) => Promise<Response> = (r) => globalThis.fetch(r),
  onSignedOut?: () => void,
): Fetch {
  let refreshing: Promise<boolean> | null = null;

  async function refresh(): Promise<boolean> {
    const pair = store.get();
    if (!pair) return false;
    const response = await base(
      new Request(refreshUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: pair.refresh_token }),
      }),
    );
    if (!response.ok) {
      store.set(null);
      onSignedOut?.();
      return false;
    }
    store.set((await response.json()) as TokenPair);
    return true;
  }

  function sign(request: Request): Request {
    const pair = store.get();
    if (!pair) return request;
    const signed = new Request(request);
    signed.headers.set("Authorization", `Bearer ${pair.access_token}`);
    return signed;
  }

  return async (request: Request) => {
    const hadToken = store.get() !== null;
    // Keep an unread copy: a body can be sent only once.
    const retry = hadToken ? request.clone() : null;
    const response = await base(sign(request));
    if (response.status !== 401 || !retry) return response;
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    if (!(await refreshing)) return response;
    return base(sign(retry));
  };
}
