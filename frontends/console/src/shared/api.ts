/**
 * The console's one API client, and the glue between openapi-fetch and react-query.
 *
 * The API's origin is fixed at build time by VITE_API_BASE_URL (empty: the page's own
 * origin, as when the API serves the console at /console/). Tokens live in memory and
 * in sessionStorage: a reload keeps the session, closing the tab ends it. One signing
 * fetch serves both the typed client and the raw calls, so concurrent 401s share a
 * single refresh (a refresh token is spent on first use).
 */
import {
  ApiError,
  authenticatedFetch,
  networkError,
  resolveBaseUrl,
  storageTokenStore,
  toApiError,
  type paths,
  type ResponseBody,
  type Schemas,
  type TokenPair,
} from "@causerie/client";
import createClient from "openapi-fetch";

export type { ResponseBody, Schemas, TokenPair };
export { ApiError };

export const API_BASE_URL: string = resolveBaseUrl(import.meta.env.VITE_API_BASE_URL ?? "");

function sessionStorageOrNull(): Storage | null {
  try {
    return typeof window !== "undefined" ? window.sessionStorage : null;
  } catch {
    return null; // storage disabled by the browser's settings
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();
/** Why the last session ended, shown on the sign-in page. */
let endReason: "expired" | null = null;

const store = storageTokenStore(sessionStorageOrNull(), "causerie.console.tokens");

export const tokens = {
  get: store.get,
  set(pair: TokenPair | null) {
    store.set(pair);
    if (pair) endReason = null;
    for (const listener of listeners) listener();
  },
};

/** Subscribe to sign-in and sign-out (for useSyncExternalStore). */
export function onTokensChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function sessionEndReason(): "expired" | null {
  return endReason;
}

/** The session as one value, so a change of any part re-renders (useSyncExternalStore). */
export type SessionState = "in" | "out" | "expired";

export function sessionState(): SessionState {
  if (tokens.get() !== null) return "in";
  return endReason ?? "out";
}

const signingFetch = authenticatedFetch(
  tokens,
  `${API_BASE_URL}/v1/auth/refresh`,
  (r) => globalThis.fetch(r),
  () => {
    // The refresh token was refused: the session is over and the sign-in page says why.
    endReason = "expired";
    for (const listener of listeners) listener();
  },
);

export const api = createClient<paths>({ baseUrl: API_BASE_URL, fetch: signingFetch });

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, or an ApiError thrown for any failure (problem+json, another
 * error body, or no answer at all), so every query and mutation fails the same way.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  return (await unwrapResponse(call)).data;
}

/** Like unwrap, keeping the answer's headers (ETag) and status. */
export async function unwrapResponse<T>(
  call: Promise<FetchResult<T>>,
): Promise<{ data: T; status: number; headers: Headers }> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return { data: result.data as T, status: result.response.status, headers: result.response.headers };
}

/**
 * A signed GET of a path the generated client does not know yet (a newer API), as JSON.
 */
export async function getJson<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const url = new URL(API_BASE_URL + path);
  for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
  let response: Response;
  try {
    response = await signingFetch(new Request(url, { headers: { Accept: "application/json" } }));
  } catch (cause) {
    throw networkError(cause);
  }
  let body: unknown = null;
  const text = await response.text();
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) throw toApiError(response, body);
  return body as T;
}

/** Sign in with the OAuth2 password form. */
export async function signIn(email: string, password: string): Promise<void> {
  const form = new URLSearchParams({ username: email, password });
  let response: Response;
  try {
    response = await globalThis.fetch(`${API_BASE_URL}/v1/auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
  } catch (cause) {
    throw networkError(cause);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response, body);
  tokens.set(body as TokenPair);
}

/** Sign out: the refresh token is revoked on the server, then forgotten here. */
export async function signOut(): Promise<void> {
  const pair = tokens.get();
  tokens.set(null);
  if (!pair) return;
  try {
    await globalThis.fetch(`${API_BASE_URL}/v1/auth/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: pair.refresh_token }),
    });
  } catch {
    // Offline: the tokens are gone from this browser; the refresh token expires on its own.
  }
}

/** The version a post answer carries in its ETag ("3" → 3). */
export function versionFromEtag(headers: Headers): number | null {
  const match = /^"(\d+)"$/.exec(headers.get("ETag") ?? "");
  return match ? Number(match[1]) : null;
}

export function ifMatch(version: number): { "If-Match": string } {
  return { "If-Match": `"${version}"` };
}

/**
 * Downloads a signed GET as a file (CSV exports): a plain link cannot carry the bearer
 * token, so the answer is fetched and handed to the browser as an object URL.
 */
export async function downloadSigned(url: string, filename: string): Promise<void> {
  let response: Response;
  try {
    response = await signingFetch(new Request(url, { headers: { Accept: "text/csv" } }));
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw toApiError(response, body);
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
