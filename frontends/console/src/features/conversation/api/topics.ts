/** What is said: the topics of the conversation over a window, from the insights API. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type Topics = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/topics", "get">, string>;
export type Topic = Topics["top"][number];
export type TopicTone = "all" | "negative";

export interface TopicsQuery {
  from: string;
  to: string;
  tz: string;
  tone: TopicTone;
}

export function useTopics(tenant: string, q: TopicsQuery) {
  return useQuery({
    queryKey: ["insights", tenant, "topics", q],
    queryFn: async () =>
      (await unwrap(
        api.GET("/v1/tenants/{tenant}/insights/topics", {
          params: { path: { tenant }, query: { from: q.from, to: q.to, tz: q.tz, tone: q.tone, limit: 20 } },
        }),
      )) as Topics,
  });
}

/** The CSV address of the same query. */
export function topicsCsvUrl(apiBase: string, tenant: string, q: TopicsQuery): string {
  const params = new URLSearchParams({ from: q.from, to: q.to, tz: q.tz, tone: q.tone, format: "csv" });
  return `${apiBase.replace(/\/+$/, "")}/v1/tenants/${encodeURIComponent(tenant)}/insights/topics?${params.toString()}`;
}
