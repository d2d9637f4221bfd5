import { describe, expect, it } from "vitest";

import { markdownToHtml, parseTags } from "./preview";

describe("the live preview", () => {
  it("renders Markdown with the site's rules (CommonMark, tables, strikethrough)", () => {
    const html = markdownToHtml("# Title\n\nSome **bold** and ~~gone~~ [link](https://example.com).");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<s>gone</s>");
    expect(html).toContain('href="https://example.com"');
    expect(markdownToHtml("| a |\n|---|\n| b |")).toContain("<table>");
  });

  // What the sanitiser removes is checked in a real browser (tests/e2e): the DOM
  // emulation used by unit tests does not remove attributes reliably.

  it("splits tags on commas", () => {
    expect(parseTags(" a, b ,, c ")).toEqual(["a", "b", "c"]);
    expect(parseTags("")).toEqual([]);
  });
});
