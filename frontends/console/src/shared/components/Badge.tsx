import type { ReactNode } from "react";

/** A small label: a status, a count. The tone only adds colour; the text says it all. */
export function Badge({ tone = "neutral", children, label }: { tone?: string; children: ReactNode; label?: string }) {
  return (
    <span className={`badge badge--${tone}`} aria-label={label}>
      {children}
    </span>
  );
}
