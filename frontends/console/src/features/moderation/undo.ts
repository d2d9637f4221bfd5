/**
 * The few seconds after a decision when it can be taken back. The window and the timer
 * are injected (`UndoWindow`), so tests decide when it closes instead of waiting.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";

import type { Decision } from "./shortcuts";

export interface UndoTimer {
  /** How long an offer stays open, in milliseconds. */
  windowMs: number;
  start: (close: () => void, ms: number) => unknown;
  stop: (handle: unknown) => void;
}

export const browserTimer: UndoTimer = {
  windowMs: 8_000,
  start: (close, ms) => window.setTimeout(close, ms),
  stop: (handle) => window.clearTimeout(handle as number),
};

export const UndoWindow = createContext<UndoTimer>(browserTimer);

export interface UndoOffer {
  ids: string[];
  action: Decision;
  /** What the status line says about it, already in the reader's language. */
  message: string;
}

/** Only approve, reject and spam are offered back; undoing is a restore. */
export function undoable(action: Decision): boolean {
  return action !== "restore";
}

/** The offer of the latest decision, closed by its timer, a newer decision or `clear`. */
export function useUndoOffer() {
  const timer = useContext(UndoWindow);
  const [offer, setOffer] = useState<UndoOffer | null>(null);
  const handle = useRef<unknown>(null);
  const stop = useCallback(() => {
    if (handle.current !== null) timer.stop(handle.current);
    handle.current = null;
  }, [timer]);
  const make = useCallback(
    (next: UndoOffer) => {
      stop();
      setOffer(next);
      handle.current = timer.start(() => {
        handle.current = null;
        setOffer(null);
      }, timer.windowMs);
    },
    [stop, timer],
  );
  const clear = useCallback(() => {
    stop();
    setOffer(null);
  }, [stop]);
  useEffect(() => stop, [stop]);
  return { offer, make, clear };
}
