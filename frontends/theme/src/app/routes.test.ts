import { describe, expect, it } from "vitest";

import { pageFor } from "./App";

describe("pageFor", () => {
  it("names the page an address opens, so its chunk loads early", () => {
    expect(pageFor("")).toBe("home");
    expect(pageFor("/")).toBe("home");
    expect(pageFor("/blogs/tech")).toBe("blog");
    expect(pageFor("/blogs/tech/a-post")).toBe("post");
    expect(pageFor("/authors/alice")).toBe("author");
    expect(pageFor("/tags")).toBe("tags");
    expect(pageFor("/tags/montagne")).toBe("tag");
    expect(pageFor("/search")).toBe("search");
    expect(pageFor("/my-data")).toBe("mydata");
    expect(pageFor("/forgot-password")).toBe("forgot");
    expect(pageFor("/reset-password")).toBe("reset");
    expect(pageFor("/verify-email")).toBe("verify");
    expect(pageFor("/unsubscribe")).toBe("unsubscribe");
    expect(pageFor("/notifications")).toBe("notifications");
    expect(pageFor("/change-email")).toBe("changeEmail");
    expect(pageFor("/confirm-email")).toBe("confirmEmail");
    expect(pageFor("/nowhere/at/all")).toBeNull();
    expect(pageFor("/blogs/a/b/c")).toBeNull();
  });
});
