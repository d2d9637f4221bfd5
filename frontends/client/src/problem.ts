/**
 * RFC 9457 problem documents as a typed error that forms and notices can read.
 *
 * Every error the API answers carries a stable `code`; anything else that reaches a
 * client (a proxy's HTML page, a dropped connection) still becomes an `ApiError`, with
 * a code that says what kind of failure it was, so callers handle a single type.
 */

export interface FieldError {
  /** Where the problem is, e.g. ["body", "email"]. */
  loc: (string | number)[];
  msg: string;
  type?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /** Seconds to wait before trying again, from the Retry-After header (429, 503). */
  readonly retryAfter: number | null;
  readonly type: string;
  /**
   * The problem's extension members (everything but the standard ones), e.g. a
   * quota_exceeded problem's `quota`, `limit` and `usage`, or a 412's `current_version`.
   */
  readonly extensions: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    errors?: FieldError[];
    retryAfter?: number | null;
    type?: string;
    extensions?: Record<string, unknown>;
  }) {
    super(init.detail || init.title);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail ?? "";
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
    this.type = init.type ?? "about:blank";
    this.extensions = init.extensions ?? {};
  }

  /** The messages of the field errors whose location ends with `field`. */
  fieldMessages(field: string): string[] {
    return this.errors.filter((e) => e.loc[e.loc.length - 1] === field).map((e) => e.msg);
  }
}

/**
 * Seconds from a Retry-After value: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * `now` is injectable for tests.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  const out: FieldError[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    const loc = Array.isArray(item.loc)
      ? item.loc.filter((p): p is string | number => typeof p === "string" || typeof p === "number")
      : [];
    const msg = typeof item.msg === "string" ? item.msg : "";
    const entry: FieldError = { loc, msg };
    if (typeof item.type === "string") entry.type = item.type;
    out.push(entry);
  }
  return out;
}

const STANDARD_MEMBERS = new Set(["type", "title", "status", "detail", "instance", "code", "errors"]);

function extensionsOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!STANDARD_MEMBERS.has(key)) out[key] = value;
  return out;
}

const FALLBACK_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "validation_failed",
  429: "rate_limited",
  503: "service_unavailable",
};

/**
 * The typed error for a failed answer. `body` is the parsed JSON body when there was
 * one (openapi-fetch hands it over as `error`); anything not a problem document is
 * described from the status alone.
 */
export function toApiError(response: Pick<Response, "status" | "statusText" | "headers">, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  const status = response.status;
  const fallbackCode = FALLBACK_CODES[status] ?? (status >= 500 ? "server_error" : "http_error");
  if (isRecord(body)) {
    const title = typeof body.title === "string" ? body.title : response.statusText || `HTTP ${status}`;
    return new ApiError({
      status: typeof body.status === "number" ? body.status : status,
      code: typeof body.code === "string" ? body.code : fallbackCode,
      title,
      detail: typeof body.detail === "string" ? body.detail : "",
      errors: fieldErrors(body.errors),
      retryAfter,
      type: typeof body.type === "string" ? body.type : "about:blank",
      extensions: extensionsOf(body),
    });
  }
  return new ApiError({
    status,
    code: fallbackCode,
    title: response.statusText || `HTTP ${status}`,
    detail: typeof body === "string" ? body.slice(0, 500) : "",
    retryAfter,
  });
}

/** A failure that never reached the API (offline, DNS, CORS) as an ApiError. */
export function networkError(cause: unknown): ApiError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ApiError({ status: 0, code: "network_error", title: "Network error", detail });
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
