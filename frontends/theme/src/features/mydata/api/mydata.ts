/** A signed-in reader's rights on this site: download what it holds about them, or leave and be erased. */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../shared/api";

export function useDownloadMyData(tenant: string) {
  return useMutation({
    mutationFn: () => unwrap(api.GET("/v1/sites/{tenant}/me/data", { params: { path: { tenant } } })),
  });
}

export function useEraseMe(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/sites/{tenant}/me", { params: { path: { tenant } } })),
    // Their votes and comments now read differently everywhere on the site.
    onSuccess: () => queryClient.invalidateQueries(),
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
