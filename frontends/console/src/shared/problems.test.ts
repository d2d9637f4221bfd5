import { toApiError } from "@causerie/client";
import { describe, expect, it } from "vitest";

import { formatter } from "./i18n";
import { problemMessage } from "./problems";

const en = formatter("en");
const fr = formatter("fr");

function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return toApiError({ status, statusText: "", headers: new Headers(headers) }, { status, title: "t", ...body });
}

describe("problem → message", () => {
  it("reads a quota_exceeded 402 as what the plan allows", () => {
    const error = problem(402, { code: "quota_exceeded", quota: "blogs", limit: 5, usage: 5, plan: "starter", detail: "…" });
    const message = problemMessage(error, en);
    expect(message.kind).toBe("quota");
    expect(message.message).toBe(
      "Your plan (starter) allows 5 blogs; 5 are in use. Upgrade the plan to add more.",
    );
    expect(problemMessage(error, fr).message).toContain("Votre offre (starter) permet 5 blogs");
  });

  it("falls back to the short sentence without usage, and to the detail without figures", () => {
    const short = problem(402, { code: "quota_exceeded", quota: "custom_domains", limit: 0 });
    expect(problemMessage(short, en).message).toBe("Your plan allows 0 custom domains.");
    const bare = problem(402, { code: "quota_exceeded", detail: "No room." });
    expect(problemMessage(bare, en).message).toBe("Your plan does not allow this: No room.");
  });

  it("names a missing feature and an inactive subscription", () => {
    expect(problemMessage(problem(402, { code: "feature_not_in_plan", feature: "custom_domain" }), en).message).toBe(
      "Your plan does not include custom domains.",
    );
    expect(problemMessage(problem(402, { code: "subscription_inactive" }), en).kind).toBe("plan");
  });

  it("reads a 412 as someone else's save", () => {
    const message = problemMessage(problem(412, { code: "precondition_failed", current_version: 4 }), en);
    expect(message.kind).toBe("precondition");
    expect(message.message).toBe("Someone saved this post after you opened it.");
  });

  it("says how long to wait on a 429", () => {
    const timed = problem(429, { code: "rate_limited" }, { "Retry-After": "42" });
    expect(problemMessage(timed, en).message).toBe("Too many requests. Please wait 42 seconds before trying again.");
    expect(problemMessage(problem(429, { code: "rate_limited" }, { "Retry-After": "120" }), fr).message).toContain("2 minutes");
    expect(problemMessage(problem(429, { code: "rate_limited" }), en).message).toContain("a moment");
  });

  it("lists the fields of a 422", () => {
    const error = problem(422, {
      code: "validation_failed",
      errors: [
        { loc: ["body", "title"], msg: "String should have at least 1 character" },
        { loc: ["body", "branding", "primary_color"], msg: "String should match pattern" },
      ],
    });
    expect(problemMessage(error, en)).toEqual({
      kind: "validation",
      message:
        "Some fields need attention: title: String should have at least 1 character; branding.primary_color: String should match pattern",
    });
  });

  it("handles no answer at all and non-API errors", () => {
    const offline = toApiError({ status: 0, statusText: "", headers: new Headers() }, null);
    expect(problemMessage(offline, en).kind).toBe("network");
    expect(problemMessage(new Error("boom"), en).message).toBe("Something went wrong: boom");
  });
});
