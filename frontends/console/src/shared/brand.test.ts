import { describe, expect, it } from "vitest";

import { contrastRatio, readableOn } from "./brand";

describe("readableOn", () => {
  it("picks the text colour that reads on a brand colour", () => {
    for (const colour of ["#c0392b", "#f1c40f", "#ffffff", "#000000", "#1f4e79", "#7fdbff"]) {
      const text = readableOn(colour);
      expect(contrastRatio(text, colour)).toBeGreaterThanOrEqual(4.5);
    }
  });
  it("falls back to white for a malformed colour", () => {
    expect(readableOn("red")).toBe("#ffffff");
  });
});
