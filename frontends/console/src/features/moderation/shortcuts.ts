/**
 * The queue's keyboard shortcuts, as pure functions: which key does what, and where the
 * cursor goes. Keys typed into a field, or with a modifier, are never shortcuts.
 */

export type Decision = "approve" | "reject" | "spam" | "restore";

export type Shortcut =
  | { type: "move"; delta: 1 | -1 }
  | { type: "decide"; action: Decision }
  | { type: "toggle" }
  | { type: "open" };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  target?: EventTarget | null;
}

const KEYS: Record<string, Shortcut> = {
  j: { type: "move", delta: 1 },
  ArrowDown: { type: "move", delta: 1 },
  k: { type: "move", delta: -1 },
  ArrowUp: { type: "move", delta: -1 },
  a: { type: "decide", action: "approve" },
  r: { type: "decide", action: "reject" },
  s: { type: "decide", action: "spam" },
  u: { type: "decide", action: "restore" },
  x: { type: "toggle" },
  o: { type: "open" },
  Enter: { type: "open" },
};

/** The keys listed on screen, in order, with the dictionary key of what each does. */
export const SHORTCUT_HELP = [
  { keys: ["j", "↓"], what: "moderation.shortcut.next" },
  { keys: ["k", "↑"], what: "moderation.shortcut.prev" },
  { keys: ["a"], what: "moderation.shortcut.approve" },
  { keys: ["r"], what: "moderation.shortcut.reject" },
  { keys: ["s"], what: "moderation.shortcut.spam" },
  { keys: ["u"], what: "moderation.shortcut.restore" },
  { keys: ["x"], what: "moderation.shortcut.select" },
  { keys: ["o", "Enter"], what: "moderation.shortcut.open" },
] as const;

function isTyping(target: EventTarget | null | undefined): boolean {
  if (!target || typeof target !== "object" || !("tagName" in target)) return false;
  const element = target as HTMLElement;
  const tag = String(element.tagName).toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return true;
  return element.isContentEditable === true;
}

export function shortcutFor(event: KeyLike): Shortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTyping(event.target)) return null;
  // Shift+A and the like are not shortcuts, so a capital letter never acts by accident.
  return KEYS[event.key] ?? null;
}

/** The cursor after a move, kept within the list (no wrap-around). */
export function moveCursor(index: number, delta: number, length: number): number {
  if (length <= 0) return 0;
  return Math.min(length - 1, Math.max(0, index + delta));
}

/** Where the cursor goes once the items it pointed at may have left the list. */
export function cursorAfterChange(index: number, length: number): number {
  if (length <= 0) return 0;
  return Math.min(index, length - 1);
}

/** Adds or removes one id from a selection, without changing the original set. */
export function toggled(selection: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selection);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * The decisions that change a comment in `status`, as the API decides them: a pending
 * comment is approved, rejected or marked as spam; an approved one can still be taken
 * down; restore only undoes a rejection or a spam verdict (an approval is undone by the
 * offer that follows it); a comment its author deleted is theirs.
 */
export function actionsFor(status: string): Decision[] {
  switch (status) {
    case "pending":
      return ["approve", "reject", "spam"];
    case "approved":
      return ["reject", "spam"];
    case "rejected":
      return ["restore", "approve", "spam"];
    case "spam":
      return ["restore", "approve", "reject"];
    default:
      return [];
  }
}

/** The decisions that apply to every comment of a selection (none when they differ). */
export function actionsForAll(statuses: readonly string[]): Decision[] {
  if (!statuses.length) return [];
  const [first, ...rest] = statuses.map(actionsFor);
  return (first ?? []).filter((action) => rest.every((actions) => actions.includes(action)));
}
