/**
 * The Causerie API client shared by the front-ends: openapi-fetch typed by the
 * generated `paths`, plus the problem+json error type and bearer-token handling.
 */
import createClient, { type Client } from "openapi-fetch";

import { authenticatedFetch, type TokenStore } from "./auth.js";
import type { components, paths } from "./schema.gen.js";

export type { components, operations, paths } from "./schema.gen.js";
export { ApiError, isApiError, networkError, parseRetryAfter, toApiError } from "./problem.js";
export type { FieldError } from "./problem.js";
export { authenticatedFetch, storageTokenStore } from "./auth.js";
export type { TokenPair, TokenStore } from "./auth.js";

export type Schemas = components["schemas"];
export type CauserieClient = Client<paths>;

/**
 * The JSON body of an operation's success answer (200 or 201), by path and method.
 * Sturdier than a schema's name, which the generator may qualify when two models share it.
 */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : paths[P][M] extends { responses: { 201: { content: { "application/json": infer T } } } }
    ? T
    : never;

export interface ClientOptions {
  /** The API's origin, e.g. "https://api.example.com"; "" for the page's own origin. */
  baseUrl: string;
  /** Sign requests with these tokens and refresh them once on 401. */
  tokens?: TokenStore;
  /** Called when a refresh fails and the user is signed out. */
  onSignedOut?: () => void;
}

/** The absolute form of `baseUrl` (openapi-fetch needs one to build Request objects). */
export function resolveBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  if (/^https?:\/\//.test(trimmed)) return trimmed;
  const origin = typeof window !== "undefined" ? window.location.origin : "http://localhost";
  return origin + trimmed;
}

export function createCauserieClient(options: ClientOptions): CauserieClient {
  const baseUrl = resolveBaseUrl(options.baseUrl);
  const fetchImpl = options.tokens
    ? authenticatedFetch(
        options.tokens,
        `${baseUrl}/v1/auth/refresh`,
        (r) => globalThis.fetch(r),
        options.onSignedOut,
      )
    : (r: Request) => globalThis.fetch(r);
  return createClient<paths>({ baseUrl, fetch: fetchImpl });
}
