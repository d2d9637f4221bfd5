/**
 * The read counter: one `POST …/views` when a reader opens a post (no body, no cookie;
 * the API counts a visitor once per post and day and stores nothing that identifies
 * them). A browser that says "do not track" (`navigator.doNotTrack`) or sends the
 * Global Privacy Control signal (`navigator.globalPrivacyControl`) is not counted at
 * all: the count is anonymous, but a reader who asked not to be measured is not.
 */
import { useEffect } from "react";

import { api } from "../../../shared/api";

interface PrivacySignals {
  doNotTrack?: string | null;
  globalPrivacyControl?: boolean;
}

export function readerOptedOut(nav: PrivacySignals | undefined): boolean {
  if (!nav) return true;
  return nav.doNotTrack === "1" || nav.doNotTrack === "yes" || nav.globalPrivacyControl === true;
}

export function useCountView(tenant: string, postId: string | undefined): void {
  useEffect(() => {
    if (!postId) return;
    if (readerOptedOut(typeof navigator === "undefined" ? undefined : (navigator as PrivacySignals))) return;
    // Best effort: a lost count is not worth an error on the page.
    void api
      .POST("/v1/sites/{tenant}/posts/{post_id}/views", { params: { path: { tenant, post_id: postId } } })
      .catch(() => undefined);
  }, [tenant, postId]);
}
