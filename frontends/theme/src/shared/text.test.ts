import { describe, expect, it } from "vitest";

import { shorten } from "./head";
import { snippetFragments } from "./text";

describe("snippetFragments", () => {
  it("keeps the highlights and turns entities back into text", () => {
    expect(snippetFragments("a &lt;b&gt; <mark>chat</mark> &amp; co")).toEqual([
      { text: "a <b> ", marked: false },
      { text: "chat", marked: true },
      { text: " & co", marked: false },
    ]);
  });
});

describe("shorten", () => {
  it("cuts on a word with an ellipsis", () => {
    expect(shorten("one two three four", 10)).toBe("one two…");
    expect(shorten("  short  ")).toBe("short");
  });
});
