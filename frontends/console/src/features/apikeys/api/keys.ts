/** The tenant's API keys: listed by prefix, created (secret answered once), revoked. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type ApiKey = ResponseBody<"/v1/tenants/{tenant}/api-keys", "get">[number];
export type CreatedKey = ResponseBody<"/v1/tenants/{tenant}/api-keys", "post">;

export function useKeys(tenant: string) {
  return useQuery({
    queryKey: ["keys", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/api-keys", { params: { path: { tenant } } })),
  });
}

export function useCreateKey(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(api.POST("/v1/tenants/{tenant}/api-keys", { params: { path: { tenant } }, body: { name, scopes: ["content:read"] } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["keys", tenant] }),
  });
}

export function useRevokeKey(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/tenants/{tenant}/api-keys/{key_id}", { params: { path: { tenant, key_id: id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["keys", tenant] }),
  });
}
