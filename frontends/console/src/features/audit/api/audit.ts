import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";
import { usePaged } from "../../../shared/paged";

export type AuditEntry = ResponseBody<"/v1/tenants/{tenant}/audit-log", "get">["items"][number];

export interface AuditFilters {
  actor?: string;
  /** An action family, "post." and so on. */
  action?: string;
  target_type?: string;
  from?: string;
  to?: string;
}

/** The audit log, newest first, page by page, each entry's actor and target named. */
export function useAuditLog(tenant: string, filters: AuditFilters) {
  return usePaged(["audit", tenant, filters], (cursor) =>
    unwrap(
      api.GET("/v1/tenants/{tenant}/audit-log", {
        params: { path: { tenant }, query: { ...filters, limit: 50, cursor } },
      }),
    ),
  );
}

/** The people the log can be narrowed to: the tenant's members. */
export function usePeople(tenant: string) {
  return useQuery({
    queryKey: ["audit", tenant, "people"],
    queryFn: () =>
      unwrap(api.GET("/v1/tenants/{tenant}/members", { params: { path: { tenant }, query: { limit: 100 } } })),
  });
}
