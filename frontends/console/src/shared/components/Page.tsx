/**
 * A screen's frame: its h1, which takes the focus when the route changes so screen
 * readers announce the new screen, and the document title.
 */
import { useEffect, useRef, type ReactNode } from "react";
import { useLocation } from "react-router";

import { useI18n } from "../i18n";

export function Page({
  title,
  actions,
  children,
  wide,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  const f = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = `${title} — ${f.t("app.name")}`;
  }, [title, f]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, [pathname]);
  return (
    <section className={wide ? "page page--wide" : "page"} aria-labelledby="page-title">
      <header className="page__header">
        <h1 id="page-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions ? <div className="page__actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
