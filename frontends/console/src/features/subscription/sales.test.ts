import { describe, expect, it } from "vitest";

import { DEFAULT_SALES_URL, salesHref } from "./sales";

describe("contact sales", () => {
  it("writes to the default address with the tenant in the subject", () => {
    expect(salesHref(undefined, "Plan of demo (starter)")).toBe(`${DEFAULT_SALES_URL}?subject=Plan%20of%20demo%20(starter)`);
  });

  it("keeps a configured page as it is", () => {
    expect(salesHref(" https://example.com/sales ", "x")).toBe("https://example.com/sales");
  });

  it("adds the subject to a configured address, unless it has one", () => {
    expect(salesHref("mailto:ventes@example.com?cc=a@example.com", "Offre")).toBe("mailto:ventes@example.com?cc=a@example.com&subject=Offre");
    expect(salesHref("mailto:ventes@example.com?subject=Hi", "Offre")).toBe("mailto:ventes@example.com?subject=Hi");
  });

  it("refuses anything but https: and mailto:", () => {
    expect(salesHref("javascript:alert(1)", "x").startsWith(DEFAULT_SALES_URL)).toBe(true);
    expect(salesHref("http://example.com", "x").startsWith(DEFAULT_SALES_URL)).toBe(true);
  });
});
