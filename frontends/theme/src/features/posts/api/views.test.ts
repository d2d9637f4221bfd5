import { describe, expect, it } from "vitest";

import { readerOptedOut } from "./views";

describe("readerOptedOut", () => {
  it("honours Do Not Track and Global Privacy Control", () => {
    expect(readerOptedOut({ doNotTrack: "1" })).toBe(true);
    expect(readerOptedOut({ globalPrivacyControl: true })).toBe(true);
    expect(readerOptedOut({ doNotTrack: "0", globalPrivacyControl: false })).toBe(false);
    expect(readerOptedOut({ doNotTrack: null })).toBe(false);
  });
});
