/** The tenant's own record: name, language, branding and conversation settings. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody, type Schemas } from "../../../shared/api";

export type TenantRecord = ResponseBody<"/v1/tenants/{tenant}", "get">;

export function useTenantRecord(tenant: string) {
  return useQuery({
    queryKey: ["tenant", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}", { params: { path: { tenant } } })),
  });
}

export function useUpdateTenant(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["TenantUpdate"]) => unwrap(api.PATCH("/v1/tenants/{tenant}", { params: { path: { tenant } }, body })),
    onSuccess: (data) => {
      client.setQueryData(["tenant", tenant], data);
      void client.invalidateQueries({ queryKey: ["site", tenant] });
    },
  });
}
