import { ApiError } from "@causerie/client";
import { describe, expect, it } from "vitest";

import { formatter } from "../i18n";
import { errorMessage } from "./ErrorNotice";

describe("errorMessage", () => {
  it("says how long to wait after a 429, in the site's language", () => {
    const error = new ApiError({ status: 429, code: "rate_limited", title: "Too many", retryAfter: 42 });
    expect(errorMessage(error, formatter("fr"))).toBe(
      "Trop de tentatives. Merci d’attendre 42 secondes avant de réessayer.",
    );
    expect(errorMessage(error, formatter("en"))).toBe(
      "Too many attempts. Please wait 42 seconds before trying again.",
    );
  });

  it("asks for a moment when the wait is unknown", () => {
    const error = new ApiError({ status: 429, code: "rate_limited", title: "Too many" });
    expect(errorMessage(error, formatter("en"))).toContain("wait a moment");
  });

  it("shows the detail and field messages of other problems", () => {
    const error = new ApiError({
      status: 422,
      code: "validation_failed",
      title: "Validation failed",
      detail: "Some fields are invalid.",
      errors: [{ loc: ["body", "body"], msg: "too long" }],
    });
    expect(errorMessage(error, formatter("en"))).toBe(
      "Something went wrong: Some fields are invalid. too long",
    );
  });
});
