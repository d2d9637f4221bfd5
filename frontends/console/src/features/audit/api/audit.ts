import { api, unwrap, type ResponseBody } from "../../../shared/api";
import { usePaged } from "../../../shared/paged";

export type AuditEntry = ResponseBody<"/v1/tenants/{tenant}/audit-log", "get">["items"][number];

/** The audit log, newest first, page by page. */
export function useAuditLog(tenant: string) {
  return usePaged(["audit", tenant], (cursor) =>
    unwrap(api.GET("/v1/tenants/{tenant}/audit-log", { params: { path: { tenant }, query: { limit: 50, cursor } } })),
  );
}
