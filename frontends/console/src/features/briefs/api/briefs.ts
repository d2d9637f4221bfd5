/** Briefs for the brand's ambassadors: list, create, claim, link the post written. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type Brief = ResponseBody<"/v1/tenants/{tenant}/briefs", "get">["items"][number];

export function useBriefs(tenant: string) {
  return useQuery({
    queryKey: ["briefs", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/briefs", { params: { path: { tenant } } })),
  });
}

function useBriefChange<T>(tenant: string, call: (arg: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSettled: () => client.invalidateQueries({ queryKey: ["briefs", tenant] }),
  });
}

export function useCreateBrief(tenant: string) {
  return useBriefChange(tenant, (body: { topic: string; body: string; due_on: string }) =>
    unwrap(api.POST("/v1/tenants/{tenant}/briefs", { params: { path: { tenant } }, body })),
  );
}

export function useClaimBrief(tenant: string) {
  return useBriefChange(tenant, (briefId: string) =>
    unwrap(api.POST("/v1/tenants/{tenant}/briefs/{brief_id}/claim", { params: { path: { tenant, brief_id: briefId } } })),
  );
}

export function useLinkPost(tenant: string) {
  return useBriefChange(tenant, ({ briefId, postId }: { briefId: string; postId: string }) =>
    unwrap(
      api.POST("/v1/tenants/{tenant}/briefs/{brief_id}/post", {
        params: { path: { tenant, brief_id: briefId } },
        body: { post_id: postId },
      }),
    ),
  );
}
