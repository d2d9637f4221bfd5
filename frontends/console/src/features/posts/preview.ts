/**
 * The editor's live preview: Markdown rendered in the browser the way the API renders
 * it on save, so what the author sees while typing is what readers will get.
 *
 * The API uses markdown-it-py (CommonMark, tables, strikethrough, raw HTML allowed)
 * then nh3 with an allow-list; here markdown-it (the JavaScript original of the same
 * engine, same options) then DOMPurify with the same allow-list. The saved version is
 * always the API's own `body_html`: the preview is a convenience, never stored.
 */
import DOMPurify from "dompurify";
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt("commonmark", { html: true, linkify: false }).enable(["table", "strikethrough"]);

export const ALLOWED_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p",
  "pre", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
  "thead", "tr", "u", "ul",
];
export const ALLOWED_ATTR = ["href", "title", "src", "alt", "width", "height", "class", "align", "colspan", "rowspan", "start"];
const ALLOWED_URI = /^(?:https?:|mailto:|#|\/|\.)/i;

let hooked = false;

function purifier(): typeof DOMPurify {
  if (!hooked) {
    // Links get the same rel as on the site.
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.hasAttribute("href")) node.setAttribute("rel", "noopener nofollow ugc");
    });
    hooked = true;
  }
  return DOMPurify;
}

/** The Markdown step alone (unsafe until sanitised). */
export function markdownToHtml(source: string): string {
  return markdown.render(source);
}

export function renderPreview(source: string): string {
  return purifier().sanitize(markdownToHtml(source), {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    ALLOW_DATA_ATTR: false,
  });
}

/** "a, b ,, c" → ["a", "b", "c"] */
export function parseTags(value: string): string[] {
  return value
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}
