/**
 * The editor's formatting commands as plain text edits: given the body and the selection,
 * what to put where and what to select afterwards. Inline formats wrap the selection (or
 * a placeholder to type over) and unwrap it when it is already wrapped; line formats
 * prefix every selected line and take the prefix away when every line has it. Links and
 * images select their address, so typing replaces it.
 */
export const FORMATS = ["bold", "italic", "link", "heading", "list", "quote", "code", "image"] as const;
export type Format = (typeof FORMATS)[number];

/** Replace `text[from, to)` with `insert`, then select `[selectStart, selectEnd)`. */
export interface TextEdit {
  from: number;
  to: number;
  insert: string;
  selectStart: number;
  selectEnd: number;
}

const WRAP: Partial<Record<Format, string>> = { bold: "**", italic: "_" };
const PREFIX: Partial<Record<Format, string>> = { heading: "## ", list: "- ", quote: "> " };
const ADDRESS = "https://";

/** The keyboard shortcut of a format, if it has one (with Ctrl, or ⌘ on a Mac). */
export const SHORTCUTS: Partial<Record<Format, string>> = { bold: "b", italic: "i", link: "k" };

export function shortcutFormat(key: string): Format | null {
  const lower = key.toLowerCase();
  const found = (Object.entries(SHORTCUTS) as [Format, string][]).find(([, k]) => k === lower);
  return found ? found[0] : null;
}

function wrap(text: string, start: number, end: number, mark: string, placeholder: string): TextEdit {
  const n = mark.length;
  // Already wrapped (the marks just outside the selection): take them away.
  if (start >= n && text.slice(start - n, start) === mark && text.slice(end, end + n) === mark) {
    const inner = text.slice(start, end);
    return { from: start - n, to: end + n, insert: inner, selectStart: start - n, selectEnd: end - n };
  }
  const chosen = text.slice(start, end);
  const inner = chosen || placeholder;
  return { from: start, to: end, insert: `${mark}${inner}${mark}`, selectStart: start + n, selectEnd: start + n + inner.length };
}

function prefixLines(text: string, start: number, end: number, prefix: string): TextEdit {
  const from = text.lastIndexOf("\n", start - 1) + 1;
  const next = text.indexOf("\n", end > start && text[end - 1] === "\n" ? end - 1 : end);
  const to = next === -1 ? text.length : next;
  const lines = text.slice(from, to).split("\n");
  const all = lines.every((line) => line.startsWith(prefix));
  const insert = lines.map((line) => (all ? line.slice(prefix.length) : prefix + line.replace(/^(#{1,6} |- |> )/, ""))).join("\n");
  return { from, to, insert, selectStart: from, selectEnd: from + insert.length };
}

function code(text: string, start: number, end: number, placeholder: string): TextEdit {
  const chosen = text.slice(start, end);
  if (!chosen.includes("\n")) return wrap(text, start, end, "`", placeholder);
  const before = start > 0 && text[start - 1] !== "\n" ? "\n" : "";
  const body = chosen.endsWith("\n") ? chosen : `${chosen}\n`;
  const insert = `${before}\`\`\`\n${body}\`\`\`\n`;
  const at = start + before.length + 4;
  return { from: start, to: end, insert, selectStart: at, selectEnd: at + body.length - 1 };
}

function link(text: string, start: number, end: number, placeholder: string, image: boolean): TextEdit {
  const chosen = text.slice(start, end);
  const bang = image ? "!" : "";
  if (/^https?:\/\/\S+$/.test(chosen)) {
    // The selection is an address: it becomes the target, the words are to be typed.
    const insert = `${bang}[${placeholder}](${chosen})`;
    const at = start + bang.length + 1;
    return { from: start, to: end, insert, selectStart: at, selectEnd: at + placeholder.length };
  }
  const words = chosen || placeholder;
  const insert = `${bang}[${words}](${ADDRESS})`;
  const at = start + bang.length + words.length + 3;
  return { from: start, to: end, insert, selectStart: at, selectEnd: at + ADDRESS.length };
}

/** The edit a format makes on `text` with `[start, end)` selected. */
export function formatEdit(text: string, start: number, end: number, format: Format, placeholder: string): TextEdit {
  const [a, b] = start <= end ? [start, end] : [end, start];
  const mark = WRAP[format];
  if (mark) return wrap(text, a, b, mark, placeholder);
  const prefix = PREFIX[format];
  if (prefix) return prefixLines(text, a, b, prefix);
  if (format === "code") return code(text, a, b, placeholder);
  return link(text, a, b, placeholder, format === "image");
}

/** The text after an edit. */
export function applied(text: string, edit: TextEdit): string {
  return text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
}
