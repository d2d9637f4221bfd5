import { ApiError } from "../api";
import { useI18n, type Formatter } from "../i18n";

/** The sentence a reader should see for a failure. */
export function errorMessage(error: unknown, f: Formatter): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      return error.retryAfter != null
        ? f.t("error.rateLimited", { wait: f.wait(error.retryAfter) })
        : f.t("error.rateLimitedSoon");
    }
    if (error.code === "network_error") return f.t("error.network");
    const fields = error.errors.map((e) => e.msg).filter(Boolean);
    const detail = [error.detail || error.title, ...fields].join(" ");
    return f.t("error.generic", { detail });
  }
  return f.t("error.generic", { detail: error instanceof Error ? error.message : String(error) });
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const f = useI18n();
  return (
    <div className="notice notice--error" role="alert">
      <p>{errorMessage(error, f)}</p>
      {onRetry ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {f.t("error.retry")}
        </button>
      ) : null}
    </div>
  );
}
