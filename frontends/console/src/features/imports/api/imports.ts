/** Imports from WordPress and Ghost: the upload and the jobs' progress. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody } from "../../../shared/api";

export type ImportJob = ResponseBody<"/v1/tenants/{tenant}/imports", "get">[number];

export interface ImportChoices {
  file: File;
  blog: string;
  author_role: "author" | "moderator" | "manager";
  categories_as: "tags" | "blogs";
  dry_run: boolean;
  site_url: string;
}

const key = (tenant: string) => ["imports", tenant];

/** The blogs an import may go into (the first hundred, by slug). */
export function useImportBlogs(tenant: string) {
  return useQuery({
    queryKey: ["imports", tenant, "blogs"],
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/blogs", { params: { path: { tenant }, query: { limit: 100 } } })),
  });
}
const ACTIVE = new Set(["queued", "running"]);

/** The tenant's imports; asked again every two seconds while one is queued or running. */
export function useImports(tenant: string) {
  return useQuery({
    queryKey: key(tenant),
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/imports", { params: { path: { tenant } } })),
    refetchInterval: (query) => (query.state.data?.some((j) => ACTIVE.has(j.state)) ? 2000 : false),
  });
}

export function useStartImport(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (choices: ImportChoices) => {
      const form = new FormData();
      form.append("file", choices.file);
      form.append("blog", choices.blog);
      form.append("author_role", choices.author_role);
      form.append("categories_as", choices.categories_as);
      form.append("dry_run", String(choices.dry_run));
      if (choices.site_url) form.append("site_url", choices.site_url);
      return unwrap(
        api.POST("/v1/tenants/{tenant}/imports", {
          params: { path: { tenant } },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}

export function useResumeImport(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/v1/tenants/{tenant}/imports/{import_id}/resume", { params: { path: { tenant, import_id: id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}
