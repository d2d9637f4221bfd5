import { describe, expect, it } from "vitest";

import { translate } from "../../shared/i18n";
import { HOLD_REASONS, holdReasonKey } from "./holdReasons";

describe("hold reasons", () => {
  it("every reason the API gives reads as words in English and in French", () => {
    for (const reason of HOLD_REASONS) {
      const key = holdReasonKey(reason);
      expect(key).not.toBeNull();
      const en = translate("en", key!);
      const fr = translate("fr", key!);
      expect(en).not.toBe(key);
      expect(fr).not.toBe(key);
      expect(fr).not.toBe(en);
    }
  });
  it("a reason this console does not know is not shown raw", () => {
    expect(holdReasonKey("mystery")).toBeNull();
  });
});
