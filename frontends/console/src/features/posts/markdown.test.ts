import { describe, expect, it } from "vitest";

import { applied, formatEdit, shortcutFormat, type Format } from "./markdown";

/** The text after the format, with the new selection marked by [[ and ]]. */
function run(marked: string, format: Format, placeholder = "text"): string {
  const start = marked.indexOf("[[");
  const end = marked.indexOf("]]") - 2;
  const text = marked.replace("[[", "").replace("]]", "");
  const edit = formatEdit(text, start, end, format, placeholder);
  const out = applied(text, edit);
  return out.slice(0, edit.selectStart) + "[[" + out.slice(edit.selectStart, edit.selectEnd) + "]]" + out.slice(edit.selectEnd);
}

describe("formatting commands", () => {
  it("wraps the selection in bold or italic, and unwraps it again", () => {
    expect(run("Un [[mot]] fort", "bold")).toBe("Un **[[mot]]** fort");
    expect(run("Un **[[mot]]** fort", "bold")).toBe("Un [[mot]] fort");
    expect(run("Un [[mot]]", "italic")).toBe("Un _[[mot]]_");
  });

  it("puts a placeholder to type over when nothing is selected", () => {
    expect(run("Avant [[]]", "bold", "gras")).toBe("Avant **[[gras]]**");
    expect(run("[[]]", "code", "x")).toBe("`[[x]]`");
  });

  it("makes links and images with their address selected", () => {
    expect(run("Voir [[Naxos]]", "link")).toBe("Voir [Naxos]([[https://]])");
    expect(run("[[]]", "image", "description")).toBe("![description]([[https://]])");
    // A selected address becomes the target, and the words are to be typed.
    expect(run("[[https://example.com]]", "link", "texte")).toBe("[[[texte]]](https://example.com)");
  });

  it("prefixes every selected line, and takes the prefix away when all have it", () => {
    expect(run("un\n[[deux\ntrois]]", "list")).toBe("un\n[[- deux\n- trois]]");
    expect(run("un\n[[- deux\n- trois]]", "list")).toBe("un\n[[deux\ntrois]]");
    expect(run("Ti[[]]tre", "heading")).toBe("[[## Titre]]");
    expect(run("[[- item]]", "quote")).toBe("[[> item]]");
    expect(run("### Ti[[]]tre", "heading")).toBe("[[## Titre]]");
  });

  it("fences code that spans lines", () => {
    expect(run("Avant\n[[a = 1\nb = 2]]", "code")).toBe("Avant\n```\n[[a = 1\nb = 2]]\n```\n");
  });

  it("knows its shortcuts", () => {
    expect(shortcutFormat("B")).toBe("bold");
    expect(shortcutFormat("k")).toBe("link");
    expect(shortcutFormat("x")).toBeNull();
  });
});
