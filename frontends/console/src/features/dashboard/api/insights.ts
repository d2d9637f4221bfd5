/** The insights reports, one query each, all on the same window. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";
import type { ReportQuery } from "../csv";

export type Engagement = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/engagement", "get">, string>;
export type Tone = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/tone", "get">, string>;
export type Authors = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/authors", "get">, string>;
export type TopPosts = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/top-posts", "get">, string>;
export type Headline = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/headline", "get">, string>;
export type ModerationHealth = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/moderation", "get">, string>;

/** The JSON form of a report (the same operation also answers CSV). */
async function json<T>(call: Promise<T>): Promise<Exclude<T, string>> {
  return (await call) as Exclude<T, string>;
}

const span = (q: ReportQuery) => ({ from: q.from, to: q.to, tz: q.tz });

export function useEngagement(tenant: string, q: ReportQuery, enabled: boolean) {
  return useQuery({
    queryKey: ["insights", tenant, "engagement", q],
    queryFn: () =>
      json(unwrap(
        api.GET("/v1/tenants/{tenant}/insights/engagement", {
          params: { path: { tenant }, query: { ...span(q), bucket: q.bucket ?? "day" } },
        }),
      )),
    enabled,
  });
}

export function useTone(tenant: string, q: ReportQuery, enabled: boolean) {
  return useQuery({
    queryKey: ["insights", tenant, "tone", q],
    queryFn: () =>
      json(unwrap(
        api.GET("/v1/tenants/{tenant}/insights/tone", {
          params: { path: { tenant }, query: { ...span(q), bucket: q.bucket ?? "week" } },
        }),
      )),
    enabled,
  });
}

export type AuthorFilter = "all" | "ambassadors";

export function useAuthors(tenant: string, q: ReportQuery, enabled: boolean, filter: AuthorFilter = "all") {
  return useQuery({
    queryKey: ["insights", tenant, "authors", q, filter],
    queryFn: () =>
      json(unwrap(
        api.GET("/v1/tenants/{tenant}/insights/authors", {
          params: { path: { tenant }, query: { ...span(q), limit: 10, filter } },
        }),
      )),
    enabled,
  });
}

export function useTopPosts(tenant: string, q: ReportQuery, enabled: boolean) {
  return useQuery({
    queryKey: ["insights", tenant, "top-posts", q],
    queryFn: () =>
      json(unwrap(
        api.GET("/v1/tenants/{tenant}/insights/top-posts", {
          params: { path: { tenant }, query: { ...span(q), by: q.by ?? "comments", limit: 10 } },
        }),
      )),
    enabled,
  });
}

export function useModerationHealth(tenant: string, q: ReportQuery, enabled: boolean) {
  return useQuery({
    queryKey: ["insights", tenant, "moderation", q],
    queryFn: () =>
      json(unwrap(api.GET("/v1/tenants/{tenant}/insights/moderation", { params: { path: { tenant }, query: span(q) } }))),
    enabled,
  });
}

export function useHeadline(tenant: string, q: ReportQuery, enabled: boolean) {
  return useQuery({
    queryKey: ["insights", tenant, "headline", span(q)],
    queryFn: () =>
      json(unwrap(api.GET("/v1/tenants/{tenant}/insights/headline", { params: { path: { tenant }, query: span(q) } }))),
    enabled,
  });
}
