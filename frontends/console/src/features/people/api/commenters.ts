/** People who matter, readers included: the commenter ranking of the insights API. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type CommenterRanking = Exclude<ResponseBody<"/v1/tenants/{tenant}/insights/commenters", "get">, string>;
export type CommenterFilter = "all" | "new" | "members" | "authors" | "ambassadors";

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

export type Invitation = ResponseBody<"/v1/tenants/{tenant}/insights/people/{user_id}/invitation", "post">;

/** One step from the ranking to an invitation to write: the answer holds the link. */
export function useInviteToWrite(tenant: string) {
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.POST("/v1/tenants/{tenant}/insights/people/{user_id}/invitation", {
          params: { path: { tenant, user_id: userId } },
        }),
      ) as Promise<Invitation>,
  });
}

export function useAmbassador(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, on }: { userId: string; on: boolean }) => {
      const path = { params: { path: { tenant, user_id: userId } } };
      if (on) await unwrap(api.PUT("/v1/tenants/{tenant}/insights/ambassadors/{user_id}", path));
      else await unwrap(api.DELETE("/v1/tenants/{tenant}/insights/ambassadors/{user_id}", path));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["insights", tenant, "commenters"] }),
  });
}
