import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { Loading } from "../../../shared/components/Loading";
import { useSite } from "../../../shared/site";
import { useOldAddress } from "../api/site";

/**
 * An address the site had on its former platform: the post it leads to now is asked for,
 * and shown in its place (the address bar changes too); `otherwise` when there is none.
 * `only`: ask only when the query string holds one of these (WordPress's `?p=123`).
 */
export function OldAddress({ otherwise, only }: { otherwise: ReactNode; only?: string[] }) {
  const { slug } = useSite();
  const location = useLocation();
  const query = new URLSearchParams(location.search);
  const asks = !only || only.some((name) => query.has(name));
  const path = asks ? `${location.pathname}${location.search}` : null;
  const found = useOldAddress(slug, path);
  if (!asks) return <>{otherwise}</>;
  if (found.isPending) return <Loading />;
  if (!found.data) return <>{otherwise}</>;
  return <Navigate to={`/blogs/${encodeURIComponent(found.data.blog)}/${encodeURIComponent(found.data.slug)}`} replace />;
}
