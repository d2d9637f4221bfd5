/**
 * The one API client of the theme, and the glue between openapi-fetch and react-query.
 *
 * The API's origin is fixed at build time by VITE_API_BASE_URL (empty: the page's own
 * origin, as when the API serves the theme). Tokens live in memory and in
 * sessionStorage, so a reload keeps the reader signed in but closing the tab does not.
 */
import {
  ApiError,
  createCauserieClient,
  networkError,
  storageTokenStore,
  toApiError,
  type ResponseBody,
  type Schemas,
} from "@causerie/client";

export type { ResponseBody, Schemas };
export { ApiError };

export const API_BASE_URL: string = import.meta.env.VITE_API_BASE_URL ?? "";

function sessionStorageOrNull(): Storage | null {
  try {
    return typeof window !== "undefined" ? window.sessionStorage : null;
  } catch {
    return null; // storage disabled by the browser's settings
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();

export const tokens = (() => {
  const store = storageTokenStore(sessionStorageOrNull(), "causerie.tokens");
  return {
    get: store.get,
    set(pair: Parameters<typeof store.set>[0]) {
      store.set(pair);
      for (const listener of listeners) listener();
    },
  };
})();

/** Subscribe to sign-in and sign-out (for useSyncExternalStore). */
export function onTokensChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const api = createCauserieClient({ baseUrl: API_BASE_URL, tokens });

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
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as T;
}

/** Like unwrap, keeping the status (201 published, 202 held for moderation). */
export async function unwrapWithStatus<T>(
  call: Promise<FetchResult<T>>,
): Promise<{ data: T; status: number }> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return { data: result.data as T, status: result.response.status };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
