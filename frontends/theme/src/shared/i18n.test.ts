import { describe, expect, it } from "vitest";

import { formatter, interfaceLanguage, translate } from "./i18n";

describe("interfaceLanguage", () => {
  it("is French for French tenants and English otherwise", () => {
    expect(interfaceLanguage("fr")).toBe("fr");
    expect(interfaceLanguage("fr-CA")).toBe("fr");
    expect(interfaceLanguage("en")).toBe("en");
    expect(interfaceLanguage("de")).toBe("en");
    expect(interfaceLanguage(undefined)).toBe("en");
  });
});

describe("translate", () => {
  it("fills parameters in either language", () => {
    expect(translate("en", "post.readingTime", { minutes: 4 })).toBe("4 min read");
    expect(translate("fr", "post.readingTime", { minutes: 4 })).toBe("4 min de lecture");
  });
  it("leaves unknown placeholders visible rather than empty", () => {
    expect(translate("en", "post.readingTime")).toBe("{minutes} min read");
  });
});

describe("formatter", () => {
  it("formats dates for the locale, in UTC", () => {
    expect(formatter("fr").date("2026-03-03T23:30:00Z")).toBe("3 mars 2026");
    expect(formatter("en").date("2026-03-03T23:30:00Z")).toBe("March 3, 2026");
    expect(formatter("en").date("not a date")).toBe("");
  });

  it("formats numbers for the locale", () => {
    expect(formatter("fr").number(4.25, 1)).toMatch(/^4,[23]$/);
    expect(formatter("en").number(1234)).toBe("1,234");
    expect(formatter("fr").number(1234).replace(/\s/g, " ")).toBe("1 234");
  });

  it("counts with the plural rules of each language", () => {
    const fr = formatter("fr");
    expect(fr.plural("post.comments", 0)).toBe("0 commentaire");
    expect(fr.plural("post.comments", 1)).toBe("1 commentaire");
    expect(fr.plural("post.comments", 3)).toBe("3 commentaires");
    expect(fr.plural("rating.summary", 1, { average: "4,0" })).toBe("4,0 sur 5 (1 vote)");
    const en = formatter("en");
    expect(en.plural("post.comments", 0)).toBe("0 comments");
    expect(en.plural("post.comments", 1)).toBe("1 comment");
    expect(en.plural("rating.summary", 1, { average: "4.0" })).toBe("4.0 out of 5 (1 vote)");
    expect(en.plural("blog.posts", 1234)).toBe("1,234 posts");
  });

  it("says how long to wait in words", () => {
    expect(formatter("en").wait(1)).toBe("1 second");
    expect(formatter("en").wait(42)).toBe("42 seconds");
    expect(formatter("en").wait(61)).toBe("2 minutes");
    expect(formatter("fr").wait(30)).toBe("30 secondes");
  });

  it("survives an unknown locale tag", () => {
    expect(() => formatter("xx-invalid-").date("2026-01-01T00:00:00Z")).not.toThrow();
  });
});
