/**
 * Exports of the whole tenant (a worker builds the archive; a signed link downloads it)
 * and readers' requests about their data (read it, erase them from the tenant).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type Export = ResponseBody<"/v1/tenants/{tenant}/exports/{export_id}", "get">;
export type Member = ResponseBody<"/v1/tenants/{tenant}/members", "get">["items"][number];

/** While one export is queued or running, the list is asked again every few seconds. */
export function isActive(e: Export): boolean {
  return e.status === "queued" || e.status === "running";
}

export function useExports(tenant: string) {
  return useQuery({
    queryKey: ["exports", tenant],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/exports", { params: { path: { tenant } } })),
    refetchInterval: (query) => (query.state.data?.some(isActive) ? 2_000 : false),
  });
}

export function useRequestExport(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/tenants/{tenant}/exports", { params: { path: { tenant } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["exports", tenant] }),
  });
}

/** The tenant's readers, for staff answering one reader's request (first 100). */
export function useReaders(tenant: string) {
  return useQuery({
    queryKey: ["members", tenant, "readers"],
    queryFn: async () => {
      const page = await unwrap(
        api.GET("/v1/tenants/{tenant}/members", { params: { path: { tenant }, query: { limit: 100 } } }),
      );
      return page.items.filter((m) => m.role === "reader");
    },
  });
}

export function useReaderData(tenant: string) {
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.GET("/v1/tenants/{tenant}/readers/{user_id}/data", { params: { path: { tenant, user_id: userId } } })),
  });
}

export function useEraseReader(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE("/v1/tenants/{tenant}/readers/{user_id}", { params: { path: { tenant, user_id: userId } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ["members", tenant] }),
  });
}

/** Hand a JSON document to the browser as a file to save. */
export function saveJson(name: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
