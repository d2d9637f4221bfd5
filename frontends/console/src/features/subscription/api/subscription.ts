/** The licence: subscription, usage against every quota, the plan catalogue, history. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../shared/api";

export function useSubscription(tenant: string) {
  return useQuery({
    queryKey: ["subscription", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/subscription", { params: { path: { tenant } } })),
  });
}

export function useUsage(tenant: string) {
  return useQuery({
    queryKey: ["usage", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/usage", { params: { path: { tenant } } })),
  });
}

export function usePlans() {
  return useQuery({ queryKey: ["plans"], queryFn: () => unwrap(api.GET("/v1/plans")), staleTime: 5 * 60_000 });
}

export function useHistory(tenant: string) {
  return useQuery({
    queryKey: ["subscription", tenant, "history"],
    queryFn: () =>
      unwrap(api.GET("/v1/tenants/{tenant}/subscription/history", { params: { path: { tenant }, query: { limit: 20 } } })),
  });
}
