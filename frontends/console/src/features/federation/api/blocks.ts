/**
 * Fediverse domain blocks: instances and sites (with their subdomains) the tenant no
 * longer hears from or delivers to. Blocking drops their follows, reactions, pending
 * deliveries and held replies; the answer says how many items went.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../shared/api";

const key = (tenant: string) => ["federation-blocks", tenant] as const;

export function useBlocks(tenant: string) {
  return useQuery({
    queryKey: key(tenant),
    queryFn: () =>
      unwrap(api.GET("/v1/tenants/{tenant}/federation/blocks", { params: { path: { tenant } } })),
  });
}

export function useBlock(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      unwrap(
        api.PUT("/v1/tenants/{tenant}/federation/blocks/{domain}", {
          params: { path: { tenant, domain } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}

export function useUnblock(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      unwrap(
        api.DELETE("/v1/tenants/{tenant}/federation/blocks/{domain}", {
          params: { path: { tenant, domain } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}
