import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";

import { UndoWindow, useUndoOffer, type UndoTimer } from "./undo";

/** A timer that closes only when the test says so: no waiting, no wall clock. */
function manualTimer(windowMs = 5_000) {
  const open = new Map<number, { close: () => void; ms: number }>();
  let next = 0;
  const timer: UndoTimer = {
    windowMs,
    start: (close, ms) => {
      open.set(++next, { close, ms });
      return next;
    },
    stop: (handle) => void open.delete(handle as number),
  };
  const elapse = () => {
    for (const [handle, { close }] of [...open]) {
      open.delete(handle);
      close();
    }
  };
  return { timer, open, elapse };
}

function withTimer(timer: UndoTimer) {
  return ({ children }: { children: ReactNode }) => <UndoWindow.Provider value={timer}>{children}</UndoWindow.Provider>;
}

const approved = { ids: ["c1"], action: "approve" as const, message: "Approved" };

describe("useUndoOffer", () => {
  it("keeps the offer open for the injected window, then closes it", () => {
    const { timer, open, elapse } = manualTimer(3_000);
    const { result } = renderHook(() => useUndoOffer(), { wrapper: withTimer(timer) });
    act(() => result.current.make(approved));
    expect(result.current.offer).toEqual(approved);
    expect([...open.values()].map((o) => o.ms)).toEqual([3_000]);
    act(() => elapse());
    expect(result.current.offer).toBeNull();
  });

  it("a newer decision replaces the offer and its timer; clear closes it at once", () => {
    const { timer, open } = manualTimer();
    const { result } = renderHook(() => useUndoOffer(), { wrapper: withTimer(timer) });
    act(() => result.current.make(approved));
    act(() => result.current.make({ ...approved, ids: ["c2"], action: "reject" }));
    expect(open.size).toBe(1);
    expect(result.current.offer?.ids).toEqual(["c2"]);
    act(() => result.current.clear());
    expect(result.current.offer).toBeNull();
    expect(open.size).toBe(0);
  });
});
