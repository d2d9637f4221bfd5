import { describe, expect, it } from "vitest";

import { csvFilename, csvUrl } from "./csv";

const q = { from: "2026-01-01", to: "2026-01-31", tz: "Europe/Paris", bucket: "week" as const, by: "reads" as const, limit: 10 };

describe("CSV links", () => {
  it("keeps the chart's query, adds format=csv, and only what the report takes", () => {
    expect(csvUrl("https://api.example.com/", "demo", "engagement", q)).toBe(
      "https://api.example.com/v1/tenants/demo/insights/engagement?from=2026-01-01&to=2026-01-31&tz=Europe%2FParis&bucket=week&format=csv",
    );
    expect(csvUrl("https://api.example.com", "demo", "moderation", q)).toBe(
      "https://api.example.com/v1/tenants/demo/insights/moderation?from=2026-01-01&to=2026-01-31&tz=Europe%2FParis&format=csv",
    );
    expect(csvUrl("", "demo", "top-posts", q)).toBe(
      "/v1/tenants/demo/insights/top-posts?from=2026-01-01&to=2026-01-31&tz=Europe%2FParis&by=reads&limit=10&format=csv",
    );
    expect(csvUrl("", "demo", "authors", q)).toContain("limit=10&format=csv");
    expect(csvUrl("", "demo", "authors", { ...q, filter: "ambassadors" })).toContain("limit=10&filter=ambassadors&format=csv");
    expect(csvUrl("", "demo", "tone", { ...q, filter: "ambassadors" })).not.toContain("filter");
  });

  it("encodes the tenant and leaves out empty values", () => {
    expect(csvUrl("", "a b", "tone", { from: "2026-01-01", to: "", tz: "UTC" })).toBe(
      "/v1/tenants/a%20b/insights/tone?from=2026-01-01&tz=UTC&format=csv",
    );
  });

  it("names the file after the tenant, the report and the window", () => {
    expect(csvFilename("demo", "tone", q)).toBe("causerie-demo-tone-2026-01-01-2026-01-31.csv");
    expect(csvFilename("../x", "tone", q)).toBe("causerie--x-tone-2026-01-01-2026-01-31.csv");
  });
});
