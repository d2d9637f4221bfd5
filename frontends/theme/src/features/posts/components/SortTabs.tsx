/**
 * The home page's tabs (recent, top rated, most discussed) after the WAI-ARIA tabs
 * pattern: one tab in the tab order, arrow keys, Home and End move between them. The
 * panel (id "tab-panel") is the page's, which puts the list where its layout wants it.
 */
import { useRef, type KeyboardEvent } from "react";

import { useI18n } from "../../../shared/i18n";
import type { PostSort } from "../api/posts";

export const SORTS: PostSort[] = ["recent", "top_rated", "most_discussed"];

export function SortTabs({
  value,
  onChange,
}: {
  value: PostSort;
  onChange: (sort: PostSort) => void;
}) {
  const f = useI18n();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = SORTS.indexOf(value);

  function onKeyDown(event: KeyboardEvent) {
    const moves: Record<string, number> = {
      ArrowRight: (current + 1) % SORTS.length,
      ArrowLeft: (current - 1 + SORTS.length) % SORTS.length,
      Home: 0,
      End: SORTS.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    onChange(SORTS[next] as PostSort);
    tabs.current[next]?.focus();
  }

  return (
    <div className="tabs">
      <div role="tablist" aria-label={f.t("home.tabs")} className="tabs__list" onKeyDown={onKeyDown}>
        {SORTS.map((sort, i) => (
          <button
            key={sort}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${sort}`}
            aria-selected={sort === value}
            aria-controls="tab-panel"
            tabIndex={sort === value ? 0 : -1}
            className="tabs__tab"
            onClick={() => onChange(sort)}
          >
            {f.t(`sort.${sort}`)}
          </button>
        ))}
      </div>
    </div>
  );
}
