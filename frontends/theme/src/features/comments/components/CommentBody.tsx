/**
 * A comment's text. The API sends it as a small HTML fragment (paragraphs, emphasis,
 * code, links); it is parsed in an inert document and rebuilt as React elements from
 * a short list of tags, so text stays text and no attribute but a checked http(s)
 * link target ever reaches the page.
 */
import { createElement, type ReactNode } from "react";

const KEPT = new Set(["p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"]);

function convert(node: Node, key: string): ReactNode {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const element = node as Element;
  const tag = element.tagName.toLowerCase();
  const children = Array.from(element.childNodes, (child, i) => convert(child, `${key}.${i}`));
  if (!KEPT.has(tag)) return children;
  if (tag === "br") return createElement("br", { key });
  if (tag === "a") {
    const href = element.getAttribute("href") ?? "";
    if (!/^https?:\/\//i.test(href)) return children;
    return createElement("a", { key, href, rel: "nofollow ugc noopener", target: "_blank" }, children);
  }
  return createElement(tag, { key }, children);
}

export function CommentBody({ html }: { html: string }) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  return (
    <div className="comment__body">
      {Array.from(parsed.body.childNodes, (node, i) => convert(node, String(i)))}
    </div>
  );
}

/** A comment's text as the author would type it again (paragraphs, line breaks). */
export function commentText(html: string): string {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const br of Array.from(parsed.body.querySelectorAll("br"))) br.replaceWith("\n");
  const paragraphs = Array.from(parsed.body.querySelectorAll("p"));
  if (!paragraphs.length) return (parsed.body.textContent ?? "").trim();
  return paragraphs.map((p) => (p.textContent ?? "").trim()).join("\n\n");
}
