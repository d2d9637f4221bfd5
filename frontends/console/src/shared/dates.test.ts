import { describe, expect, it } from "vitest";

import { dayNumber, localInputToIso, presetRange, suggestedBucket, validateRange } from "./dates";

const now = new Date(2026, 2, 15, 12, 0); // 15 March 2026, local noon

describe("date ranges", () => {
  it("accepts a sound range, today included", () => {
    expect(validateRange({ from: "2026-03-01", to: "2026-03-15" }, now)).toBeNull();
    expect(validateRange({ from: "2026-03-15", to: "2026-03-15" }, now)).toBeNull();
  });

  it("refuses malformed, reversed, future and too long ranges", () => {
    expect(validateRange({ from: "2026-02-30", to: "2026-03-01" }, now)).toEqual({ code: "invalid" });
    expect(validateRange({ from: "15/03/2026", to: "2026-03-15" }, now)).toEqual({ code: "invalid" });
    expect(validateRange({ from: "2026-03-10", to: "2026-03-01" }, now)).toEqual({ code: "reversed" });
    expect(validateRange({ from: "2026-03-01", to: "2026-03-16" }, now)).toEqual({ code: "future" });
    expect(validateRange({ from: "2025-03-14", to: "2026-03-15" }, now)).toEqual({ code: "tooLong", days: 366 });
    expect(validateRange({ from: "2025-03-15", to: "2026-03-15" }, now)).toBeNull(); // 366 days
  });

  it("builds presets ending today", () => {
    expect(presetRange(7, now)).toEqual({ from: "2026-03-09", to: "2026-03-15" });
    expect(presetRange(30, now)).toEqual({ from: "2026-02-14", to: "2026-03-15" });
    expect(validateRange(presetRange(365, now), now)).toBeNull();
  });

  it("suggests a readable bucket", () => {
    expect(suggestedBucket({ from: "2026-03-01", to: "2026-03-15" })).toBe("day");
    expect(suggestedBucket({ from: "2025-12-01", to: "2026-03-15" })).toBe("week");
    expect(suggestedBucket({ from: "2025-03-16", to: "2026-03-15" })).toBe("month");
  });

  it("parses days and local date-times", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(dayNumber("2026-13-01")).toBeNull();
    expect(localInputToIso("2026-03-15T09:30")).toBe(new Date(2026, 2, 15, 9, 30).toISOString());
    expect(localInputToIso("tomorrow")).toBeNull();
  });
});
