/**
 * Which tenant's site this page shows, from the address alone.
 *
 * - `/s/{slug}/…` (and `/sites/{slug}/…`, the form the API's absolute links use): the
 *   slug is in the path, and the router works under that prefix;
 * - `?site={slug}` on any path: rewritten to the `/s/{slug}/…` form once, so links
 *   inside the app need no query string;
 * - otherwise the host name, resolved by the API (`/v1/sites/resolve?host=`), for a
 *   tenant's custom domain; local host names are never sent there.
 */

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type Located =
  | { kind: "path"; slug: string; basename: string }
  | { kind: "query"; slug: string; rewriteTo: string }
  | { kind: "host"; host: string }
  | { kind: "none" };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0", ""]);

export function locateSite(where: { pathname: string; search: string; hostname: string }): Located {
  const match = /^\/(s|sites)\/([^/]+)(?=\/|$)/.exec(where.pathname);
  if (match?.[1] && match[2] !== undefined) {
    const slug = decodeURIComponent(match[2]).toLowerCase();
    if (!SLUG.test(slug)) return { kind: "none" };
    return { kind: "path", slug, basename: `/${match[1]}/${match[2]}` };
  }
  const params = new URLSearchParams(where.search);
  const fromQuery = params.get("site")?.trim().toLowerCase();
  if (fromQuery !== undefined) {
    if (!SLUG.test(fromQuery)) return { kind: "none" };
    params.delete("site");
    const rest = params.toString();
    const path = where.pathname === "/" ? "/" : where.pathname;
    return { kind: "query", slug: fromQuery, rewriteTo: `/s/${fromQuery}${path}${rest ? `?${rest}` : ""}` };
  }
  const host = where.hostname.toLowerCase();
  if (LOCAL_HOSTS.has(host) || host.endsWith(".localhost")) return { kind: "none" };
  return { kind: "host", host };
}
