/**
 * A wide table that scrolls sideways inside its own box (its first column stays in
 * view), so the page itself never does. The box takes the focus, so keyboard users
 * can scroll it too.
 */
import type { ReactNode } from "react";

import { useI18n } from "../i18n";

export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  const f = useI18n();
  return (
    <div className="table-scroll" role="region" aria-label={f.t("table.scrolls", { what: label })} tabIndex={0}>
      {children}
    </div>
  );
}
