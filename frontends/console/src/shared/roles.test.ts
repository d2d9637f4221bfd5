import { describe, expect, it } from "vitest";

import { allowedScreens, assignableRoles, canOpen, editsAnyPost, homeScreen, insightsScope, writesPosts } from "./roles";

describe("role → screens", () => {
  it("opens everything to owners, managers and operators", () => {
    for (const role of ["owner", "manager", "operator"] as const) {
      expect(allowedScreens(role).filter((s) => s !== "briefs" && s !== "notifications")).toEqual([
        "dashboard",
        "conversation",
        "people",
        "moderation",
        "posts",
        "blogs",
        "members",
        "apiKeys",
        "webhooks",
        "branding",
        "domains",
        "federation",
        "subscription",
        "audit",
        "exports",
        "imports",
      ]);
    }
    expect(canOpen("owner", "briefs")).toBe(true);
    expect(canOpen("operator", "briefs")).toBe(false); // operators do not write
    expect(canOpen("owner", "notifications")).toBe(true);
    expect(canOpen("operator", "notifications")).toBe(false); // no membership, no mail of their own
  });

  it("gives moderators the queue, posts (to unpublish) and their figures only", () => {
    expect(allowedScreens("moderator")).toEqual(["dashboard", "moderation", "posts", "notifications"]);
    for (const screen of ["members", "apiKeys", "webhooks", "branding", "domains", "subscription", "audit", "exports", "blogs", "conversation", "people"] as const) {
      expect(canOpen("moderator", screen)).toBe(false);
    }
  });

  it("gives authors their posts, blogs and own figures", () => {
    expect(allowedScreens("author")).toEqual(["dashboard", "posts", "blogs", "briefs", "notifications"]);
    expect(canOpen("author", "moderation")).toBe(false);
  });

  it("opens the queue to authors only where their tenant lets them moderate", () => {
    expect(allowedScreens("author", true)).toEqual(["dashboard", "moderation", "posts", "blogs", "briefs", "notifications"]);
    expect(canOpen("author", "moderation", true)).toBe(true);
    expect(canOpen("reader", "moderation", true)).toBe(false);
    expect(canOpen(null, "moderation", true)).toBe(false);
    expect(allowedScreens("moderator", false)).toContain("moderation");
  });

  it("gives readers and strangers nothing", () => {
    expect(allowedScreens("reader")).toEqual([]);
    expect(allowedScreens(null)).toEqual([]);
    expect(homeScreen("reader")).toBeNull();
    expect(homeScreen("moderator")).toBe("dashboard");
  });

  it("follows the roles table for writing, editing and insights", () => {
    expect(writesPosts("author")).toBe(true);
    expect(writesPosts("operator")).toBe(false);
    expect(writesPosts("moderator")).toBe(false);
    expect(editsAnyPost("manager")).toBe(true);
    expect(editsAnyPost("author")).toBe(false);
    expect(insightsScope("owner")).toBe("full");
    expect(insightsScope("moderator")).toBe("moderation");
    expect(insightsScope("author")).toBe("own");
    expect(insightsScope("reader")).toBeNull();
  });

  it("lets managers hand out every role but owner", () => {
    expect(assignableRoles("manager")).not.toContain("owner");
    expect(assignableRoles("owner")).toContain("owner");
    expect(assignableRoles("moderator")).toEqual([]);
  });
});
