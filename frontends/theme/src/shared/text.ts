/** Text helpers for values the API sends as escaped text, never as markup. */

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
  "&#39;": "'",
};

export function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e] ?? e);
}

export interface Fragment {
  text: string;
  marked: boolean;
}

/**
 * A search snippet ("…escaped text with <mark>matches</mark>…") as fragments to render
 * as text nodes, so nothing else in it can ever become markup.
 */
export function snippetFragments(snippet: string): Fragment[] {
  const out: Fragment[] = [];
  const parts = snippet.split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) out.push({ text: unescapeHtml(part), marked });
  }
  return out;
}
