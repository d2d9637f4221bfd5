/** People who matter, readers included: the commenter ranking of the insights API. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type CommenterRanking = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/commenters", "get">, string>;
export type CommenterFilter = "all" | "new" | "members" | "authors";

export interface CommentersQuery {
  from: string;
  to: string;
  tz: string;
  filter: CommenterFilter;
}

export function useCommenters(tenant: string, q: CommentersQuery) {
  return useQuery({
    queryKey: ["insights", tenant, "commenters", q],
    queryFn: async () =>
      (await unwrap(
        api.GET("/v1/tenants/{tenant}/insights/commenters", {
          params: { path: { tenant }, query: { from: q.from, to: q.to, tz: q.tz, filter: q.filter, limit: 20 } },
        }),
      )) as CommenterRanking,
  });
}
