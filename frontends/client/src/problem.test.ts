import { describe, expect, it } from "vitest";

import { ApiError, parseRetryAfter, toApiError } from "./problem";

function answer(status: number, headers: Record<string, string> = {}, statusText = "") {
  return { status, statusText, headers: new Headers(headers) };
}

describe("toApiError", () => {
  it("reads every field of a problem document", () => {
    const error = toApiError(answer(422), {
      type: "/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "Check the fields.",
      code: "validation_failed",
      errors: [{ loc: ["body", "email"], msg: "not an e-mail", type: "value_error" }],
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("validation_failed");
    expect(error.title).toBe("Validation failed");
    expect(error.detail).toBe("Check the fields.");
    expect(error.status).toBe(422);
    expect(error.errors).toEqual([
      { loc: ["body", "email"], msg: "not an e-mail", type: "value_error" },
    ]);
    expect(error.fieldMessages("email")).toEqual(["not an e-mail"]);
    expect(error.retryAfter).toBeNull();
  });

  it("takes the wait from Retry-After on a 429", () => {
    const error = toApiError(answer(429, { "Retry-After": "42" }), {
      title: "Too many requests",
      status: 429,
      code: "rate_limited",
    });
    expect(error.retryAfter).toBe(42);
    expect(error.code).toBe("rate_limited");
  });

  it("describes a body that is not a problem from the status", () => {
    const error = toApiError(answer(502, {}, "Bad Gateway"), "<html>proxy</html>");
    expect(error.code).toBe("server_error");
    expect(error.title).toBe("Bad Gateway");
    expect(error.status).toBe(502);
    expect(error.errors).toEqual([]);
  });

  it("ignores malformed field errors instead of throwing", () => {
    const error = toApiError(answer(422), { errors: [null, { loc: "x" }, 3] });
    expect(error.errors).toEqual([{ loc: [], msg: "" }]);
    expect(error.code).toBe("validation_failed");
  });
});

describe("parseRetryAfter", () => {
  it("accepts seconds", () => {
    expect(parseRetryAfter("120")).toBe(120);
  });
  it("accepts an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30);
  });
  it("never goes negative and rejects nonsense", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe("problem extensions", () => {
  it("keeps the members beyond the standard ones", () => {
    const error = toApiError(
      { status: 402, statusText: "Payment Required", headers: new Headers() },
      {
        type: "/problems/quota-exceeded",
        title: "Quota exceeded",
        status: 402,
        code: "quota_exceeded",
        detail: "Your plan allows 3 blogs.",
        quota: "blogs",
        limit: 3,
        usage: 3,
      },
    );
    expect(error.extensions).toEqual({ quota: "blogs", limit: 3, usage: 3 });
  });
});
