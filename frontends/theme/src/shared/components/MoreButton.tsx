import { useI18n } from "../i18n";
import type { Paged } from "../usePaged";
import { ErrorNotice } from "./ErrorNotice";

/** "More" under a cursor-paged list, with the failure of a further page beside it. */
export function MoreButton<T>({ paged, label }: { paged: Paged<T>; label?: string }) {
  const f = useI18n();
  return (
    <>
      {paged.moreError ? <ErrorNotice error={paged.moreError} /> : null}
      {paged.hasMore ? (
        <p className="more">
          <button
            type="button"
            className="button button--secondary"
            onClick={paged.loadMore}
            disabled={paged.isLoadingMore}
            aria-busy={paged.isLoadingMore}
          >
            {paged.isLoadingMore ? f.t("posts.loadingMore") : (label ?? f.t("posts.more"))}
          </button>
        </p>
      ) : null}
    </>
  );
}
