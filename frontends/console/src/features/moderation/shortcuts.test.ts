import { describe, expect, it } from "vitest";

import { actionsFor, actionsForAll, cursorAfterChange, moveCursor, shortcutFor, toggled } from "./shortcuts";

describe("keyboard shortcuts", () => {
  it("maps the documented keys", () => {
    expect(shortcutFor({ key: "j" })).toEqual({ type: "move", delta: 1 });
    expect(shortcutFor({ key: "ArrowDown" })).toEqual({ type: "move", delta: 1 });
    expect(shortcutFor({ key: "k" })).toEqual({ type: "move", delta: -1 });
    expect(shortcutFor({ key: "a" })).toEqual({ type: "decide", action: "approve" });
    expect(shortcutFor({ key: "r" })).toEqual({ type: "decide", action: "reject" });
    expect(shortcutFor({ key: "s" })).toEqual({ type: "decide", action: "spam" });
    expect(shortcutFor({ key: "u" })).toEqual({ type: "decide", action: "restore" });
    expect(shortcutFor({ key: "x" })).toEqual({ type: "toggle" });
    expect(shortcutFor({ key: "Enter" })).toEqual({ type: "open" });
    expect(shortcutFor({ key: "q" })).toBeNull();
  });

  it("ignores modified keys and capitals", () => {
    expect(shortcutFor({ key: "a", ctrlKey: true })).toBeNull();
    expect(shortcutFor({ key: "s", metaKey: true })).toBeNull();
    expect(shortcutFor({ key: "r", altKey: true })).toBeNull();
    expect(shortcutFor({ key: "A" })).toBeNull();
  });

  it("never fires while typing in a field", () => {
    for (const tag of ["input", "textarea", "select"]) {
      expect(shortcutFor({ key: "a", target: document.createElement(tag) })).toBeNull();
    }
    const editable = document.createElement("div");
    editable.contentEditable = "true";
    Object.defineProperty(editable, "isContentEditable", { value: true });
    expect(shortcutFor({ key: "a", target: editable })).toBeNull();
    expect(shortcutFor({ key: "a", target: document.createElement("li") })).toEqual({ type: "decide", action: "approve" });
  });

  it("moves within the list without wrapping", () => {
    expect(moveCursor(0, -1, 3)).toBe(0);
    expect(moveCursor(0, 1, 3)).toBe(1);
    expect(moveCursor(2, 1, 3)).toBe(2);
    expect(moveCursor(5, 1, 0)).toBe(0);
  });

  it("keeps the cursor in range once items leave the list", () => {
    expect(cursorAfterChange(4, 3)).toBe(2);
    expect(cursorAfterChange(1, 3)).toBe(1);
    expect(cursorAfterChange(1, 0)).toBe(0);
  });

  it("toggles a selection without changing the original", () => {
    const first = new Set(["a"]);
    const second = toggled(first, "b");
    expect([...second].sort()).toEqual(["a", "b"]);
    expect([...toggled(second, "a")]).toEqual(["b"]);
    expect([...first]).toEqual(["a"]);
  });
});

describe("actionsFor", () => {
  it("offers only the decisions that change a comment in its state", () => {
    expect(actionsFor("pending")).toEqual(["approve", "reject", "spam"]);
    expect(actionsFor("approved")).not.toContain("restore");
    expect(actionsFor("approved")).not.toContain("approve");
    expect(actionsFor("rejected")).toContain("restore");
    expect(actionsFor("spam")).not.toContain("spam");
    expect(actionsFor("deleted")).toEqual([]);
  });
  it("offers a selection what applies to all of it", () => {
    expect(actionsForAll(["pending", "approved"])).toEqual(["reject", "spam"]);
    expect(actionsForAll(["rejected", "spam"])).toEqual(["restore", "approve"]);
    expect(actionsForAll(["pending", "deleted"])).toEqual([]);
    expect(actionsForAll([])).toEqual([]);
  });
});
