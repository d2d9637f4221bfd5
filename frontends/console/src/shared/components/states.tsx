/** The states every screen shows: loading, empty, failed, refused. */
import type { ReactNode } from "react";

import { useI18n } from "../i18n";
import { problemMessage } from "../problems";

export function Loading({ label }: { label?: string }) {
  const f = useI18n();
  return (
    <p className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? f.t("state.loading")}
    </p>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const f = useI18n();
  return <p className="state state--empty">{children ?? f.t("state.empty")}</p>;
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const f = useI18n();
  const { message, kind } = problemMessage(error, f);
  return (
    <div className={`notice notice--error notice--${kind}`} role="alert" data-testid="error-notice">
      <p>{message}</p>
      {onRetry ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {f.t("state.retry")}
        </button>
      ) : null}
    </div>
  );
}

/** A success or progress line announced politely to screen readers. */
export function StatusLine({ children, testId }: { children: ReactNode; testId?: string }) {
  if (!children) return <p className="status-line" role="status" aria-live="polite" />;
  return (
    <p className="status-line status-line--on" role="status" aria-live="polite" data-testid={testId}>
      {children}
    </p>
  );
}

/**
 * Loading, failed, empty or the content, for a react-query result. `isEmpty` decides
 * when a successful answer has nothing to show.
 */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.error || query.data === undefined) {
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}
