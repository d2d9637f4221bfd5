/**
 * The one-way flow, as a test: shared → features → app (the rule is shared with the
 * other app, in @causerie/client/layering).
 */
import { layeringOffences } from "@causerie/client/layering";
import { describe, expect, it } from "vitest";

const sources = import.meta.glob(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("architecture", () => {
  const files = Object.keys(sources);

  it("finds the sources", () => {
    expect(files.some((f) => f.startsWith("./features/"))).toBe(true);
    expect(files.some((f) => f.startsWith("./shared/"))).toBe(true);
  });

  it("keeps each feature to itself and shared below everything", () => {
    expect(layeringOffences(sources)).toEqual([]);
  });
});
