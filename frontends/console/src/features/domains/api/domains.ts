/** Custom domains: the plan must include them (402 otherwise) and caps how many. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../shared/api";

export function useDomains(tenant: string) {
  return useQuery({
    queryKey: ["domains", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/domains", { params: { path: { tenant } } })),
  });
}

export function useAddDomain(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (host: string) => unwrap(api.POST("/v1/tenants/{tenant}/domains", { params: { path: { tenant } }, body: { host } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["domains", tenant] }),
  });
}

export function useRemoveDomain(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/tenants/{tenant}/domains/{domain_id}", { params: { path: { tenant, domain_id: id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["domains", tenant] }),
  });
}
